// The database schema and its versioned migrations.
//
// Contract: OpenStore() opens (creating if needed) the database at a path with WAL, applies
// every pending migration in one transaction each, and returns the write connection.
// OpenReader() opens a read-only connection for queries (many may run beside the writer).
// Timestamps are integer epoch milliseconds; money is REAL USD; tokens are INTEGER.
//
// Tables (see schema.cc for columns):
//   sessions       one row per session id, with running totals kept by the ingestor
//   messages       one row per logical message (assistant: per (message.id, requestId))
//   messages_fts   FTS5 over messages.content_text (external content, fed by the ingestor)
//   tool_calls     one row per tool_use id, result fields filled when the result arrives
//   subagents      one row per (session_id, agent id)
//   compactions    one row per compact_boundary line
//   usage_rollup   per (15-minute bucket, session, model) sums, kept by the ingestor so that
//                  period totals never scan messages (model '' holds non-assistant counts)
//   model_rollup   usage_rollup summed over sessions: per (bucket, model, project) assistant
//                  usage, for reports that never look at a session (store/model_rollup.h)
//   prompt_rollup  per (session, 15-minute bucket, prompt category) prompt counts and the cost
//                  of their answers (store/prompt_rollup.h)
//   tool_rollup    per (15-minute bucket, tool name) calls and errors, kept by triggers on
//                  tool_calls (store/tool_rollup.h)
//   session_rollup usage_rollup summed over models: per (15-minute bucket, session), kept by
//                  triggers on usage_rollup (store/session_rollup.h)
//   files          per-file ingest state (path, inode, size, offset) committed with its rows
//   ingest_errors  skipped lines (path, byte offset, reason)
//   session_tags, hook_events, budgets, budget_alerts, commits
#pragma once
#include <memory>
#include <string>

#include "store/db.h"

namespace cs {

inline constexpr int kSchemaVersion = 8;
inline constexpr int64_t kRollupBucketMs = 15 * 60 * 1000;

// The start of the rollup bucket holding `ts` (floor, also for times before 1970).
inline int64_t RollupBucketOf(int64_t ts) {
  int64_t b = ts / kRollupBucketMs;
  if (ts < 0 && ts % kRollupBucketMs) --b;
  return b * kRollupBucketMs;
}

std::unique_ptr<Db> OpenStore(const std::string& path);
std::unique_ptr<Db> OpenReader(const std::string& path);

}  // namespace cs

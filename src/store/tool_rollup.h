// tool_rollup: tool calls and errors per (15-minute bucket, tool name), so that per-tool
// counts (/api/stats/tools, /errors, /mcp) read a few thousand rows instead of every call
// (240k on a 1 GB store: ~30 ms for each answer computed afresh). Calls without a time go to
// bucket kNoToolBucket: counted when no date bounds the query, never in a range.
//
// Derived data: always what RebuildToolRollup() computes from tool_calls. Triggers on
// tool_calls keep it (a call stored, its result or name arriving later, a row deleted); a
// bulk load drops them with the deferred indexes and rebuilds the table at the end
// (store/bulk_load.h). Durations are not summed here: exact p95s read the partial index
// tool_calls_duration (the calls that have a duration); the error patterns read the failed
// calls in time order, with their texts, from the partial index tool_calls_failed (no row
// lookups: each one costs a page fault in a reader's fresh map of the store). Both come with
// the table.
//
// Contract: takes the write connection inside the caller's transaction; throws DbError.
#pragma once
#include <cstdint>
#include <limits>

#include "store/db.h"

namespace cs {

inline constexpr int64_t kNoToolBucket = std::numeric_limits<int64_t>::min();

// The migration's SQL: the table, its triggers, the two partial indexes (schema.cc).
extern const char* const kToolRollupSchema;

void RebuildToolRollup(Db& db);

}  // namespace cs

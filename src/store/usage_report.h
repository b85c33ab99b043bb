// Usage reports for the terminal commands `daily` and `session` (and their --json forms):
// token and cost totals per calendar day in a time zone, and per session.
//
// Contract: read-only queries on any connection; thread-compatible. Days are computed from the
// model_rollup buckets (15 minutes, so any zone offset splits them exactly; model_rollup.h)
// and sessions from the sessions table: neither scans the messages table. A day or session is
// listed only when it has activity.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "store/db.h"

namespace cs {

struct UsageReportFilter {
  std::optional<int64_t> from_ms, to_ms;  // to is exclusive
  std::optional<std::string> project;     // project path, else project name
  TimeZone tz = TimeZone::Local();
};

// {"daily":[{date, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens,
//   cache_write_1h_tokens, total_tokens, cost_usd, assistant_messages, models[]}], "totals":{...}}
nlohmann::ordered_json DailyUsage(Db& db, const UsageReportFilter& f);

// {"sessions":[{id, project_path, title, started_at, last_activity_at, <tokens>, cost_usd,
//   assistant_messages, user_prompts, tool_calls, tool_errors, subagents, compactions,
//   api_errors, models[]}], "totals":{...}}
nlohmann::ordered_json SessionUsage(Db& db, const UsageReportFilter& f);

// Rounds money to 6 decimals, as every JSON answer does.
double RoundUsd(double v);

}  // namespace cs

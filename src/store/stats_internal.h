// Helpers shared by the stats_*.cc files (not part of the store's interface).
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"
#include "store/messages_query.h"
#include "store/query_filter.h"

namespace cs::stats {

// The project paths a `project` filter selects: nullopt without a filter; otherwise the exact
// path when some session has it, else every path of the sessions named so (maybe none).
std::optional<std::vector<std::string>> ResolveProject(Db& db,
                                                       const std::optional<std::string>& project);

// Conditions for usage_rollup (no alias): bucket range, project_path and (when f.model is set)
// the model.
void AddRollupScope(SqlConditions& where, const QueryFilter& f,
                    const std::optional<std::vector<std::string>>& paths, bool with_range = true);

// Conditions for a table aliased `alias` with session_id and a time column: the time range and
// the project through the sessions table.
void AddSessionScope(SqlConditions& where, const QueryFilter& f,
                     const std::optional<std::vector<std::string>>& paths, const char* alias,
                     const char* time_column, bool with_range = true);

// A JSON array text of the paths, for json_each(?).
std::string JsonList(const std::vector<std::string>& values);

// num / den rounded to 6 decimals; 0 when den is 0.
double Ratio(double num, double den);

// [{name, count}] by count desc, then name.
nlohmann::ordered_json NameCounts(const std::map<std::string, int64_t>& counts);

// "mcp__github__get_issue" -> {"github", "get_issue"}; nullopt for other names.
struct McpName {
  std::string server, tool;
};
std::optional<McpName> SplitMcpName(std::string_view tool_name);

// The "/x" of "<command-name>/x</command-name>" in a command message; nullopt when absent.
std::optional<std::string> CommandName(std::string_view text);

// The skill a Skill tool call ran: input.skill, else input.command; nullopt when neither.
std::optional<std::string> SkillOfInput(std::string_view input_json);

// The calendar days [first, last] in days since the epoch; used to zero-fill day lists.
struct DaySpan {
  int64_t first = 0, last = -1;
  int64_t size() const { return last - first + 1; }
};
// The day holding `to_ms - 1` when a `to` is given, else the day of now, in f.tz.
int64_t EndDay(const QueryFilter& f, int64_t now_ms);

// Maps epoch ms to days since the epoch in a zone, caching the current day's bounds (rows
// mostly arrive in time order).
class DayMapper {
 public:
  explicit DayMapper(const TimeZone& tz) : tz_(tz) {}
  int64_t DayOf(int64_t ms);

 private:
  const TimeZone& tz_;
  int64_t day_ = 0, start_ = 1, end_ = 0;  // empty range: the first call computes
};

}  // namespace cs::stats

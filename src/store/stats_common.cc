#include <algorithm>
#include <cctype>
#include <cmath>

#include "store/stats_internal.h"

namespace cs::stats {

std::optional<std::vector<std::string>> ResolveProject(Db& db,
                                                       const std::optional<std::string>& project) {
  if (!project) return std::nullopt;
  std::vector<std::string> paths;
  {
    Stmt q(db, "SELECT 1 FROM sessions WHERE project_path = ?1 LIMIT 1");
    q.Bind(1, *project);
    if (q.Step()) {
      paths.push_back(*project);
      return paths;
    }
  }
  Stmt q(db,
         "SELECT DISTINCT project_path FROM sessions WHERE project_name = ?1 ORDER BY "
         "project_path");
  q.Bind(1, *project);
  while (q.Step())
    paths.push_back(q.Text(0));
  return paths;
}

std::string JsonList(const std::vector<std::string>& values) {
  return nlohmann::json(values).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AddRollupScope(SqlConditions& where, const QueryFilter& f,
                    const std::optional<std::vector<std::string>>& paths, bool with_range) {
  if (with_range && f.from_ms) where.Add("bucket >= ?", {*f.from_ms});
  if (with_range && f.to_ms) where.Add("bucket < ?", {*f.to_ms});
  if (paths) where.Add("project_path IN (SELECT value FROM json_each(?))", {JsonList(*paths)});
  if (f.model) where.Add("model = ?", {*f.model});
}

void AddSessionScope(SqlConditions& where, const QueryFilter& f,
                     const std::optional<std::vector<std::string>>& paths, const char* alias,
                     const char* time_column, bool with_range) {
  std::string col = std::string(alias) + "." + time_column;
  if (with_range && f.from_ms) where.Add(col + " >= ?", {*f.from_ms});
  if (with_range && f.to_ms) where.Add(col + " < ?", {*f.to_ms});
  if (paths) {
    where.Add(std::string(alias) +
                  ".session_id IN (SELECT id FROM sessions WHERE project_path IN "
                  "(SELECT value FROM json_each(?)))",
              {JsonList(*paths)});
  }
}

double Ratio(double num, double den) {
  if (den == 0) return 0;
  return std::round(num / den * 1e6) / 1e6;
}

nlohmann::ordered_json NameCounts(const std::map<std::string, int64_t>& counts) {
  std::vector<std::pair<std::string, int64_t>> rows(counts.begin(), counts.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (auto& [name, count] : rows)
    out.push_back({{"name", name}, {"count", count}});
  return out;
}

std::optional<McpName> SplitMcpName(std::string_view name) {
  constexpr std::string_view kPrefix = "mcp__";
  if (!name.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = name.substr(kPrefix.size());
  auto sep = rest.find("__");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  return McpName{std::string(rest.substr(0, sep)), std::string(rest.substr(sep + 2))};
}

std::optional<std::string> CommandName(std::string_view text) {
  constexpr std::string_view kOpen = "<command-name>", kClose = "</command-name>";
  auto b = text.find(kOpen);
  if (b == std::string_view::npos) return std::nullopt;
  b += kOpen.size();
  auto e = text.find(kClose, b);
  if (e == std::string_view::npos) return std::nullopt;
  std::string_view name = text.substr(b, e - b);
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front())))
    name.remove_prefix(1);
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back())))
    name.remove_suffix(1);
  if (name.empty()) return std::nullopt;
  std::string out(name);
  if (out.front() != '/') out.insert(out.begin(), '/');
  return out;
}

std::optional<std::string> SkillOfInput(std::string_view input_json) {
  auto j = nlohmann::json::parse(input_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  for (const char* key : {"skill", "command"}) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
      return it->get<std::string>();
    }
  }
  return std::nullopt;
}

int64_t EndDay(const QueryFilter& f, int64_t now_ms) {
  return f.tz.DayOf(f.to_ms ? *f.to_ms - 1 : now_ms).DaysSinceEpoch();
}

int64_t DayMapper::DayOf(int64_t ms) {
  if (ms >= start_ && ms < end_) return day_;
  day_ = tz_.DayOf(ms).DaysSinceEpoch();
  start_ = tz_.StartOfDay(CivilDay::FromDaysSinceEpoch(day_));
  end_ = tz_.StartOfDay(CivilDay::FromDaysSinceEpoch(day_ + 1));
  return day_;
}

}  // namespace cs::stats

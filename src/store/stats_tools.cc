// Figures from tool_calls (and command messages, subagents): /api/stats/tools, /skills, /mcp,
// /errors, /file-heatmap, /session-breakdown, /project-breakdown.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/errors.h"
#include "store/error_patterns.h"
#include "store/stats_internal.h"
#include "store/stats_query.h"
#include "store/tool_rollup.h"

namespace cs {

using nlohmann::ordered_json;
using namespace stats;

namespace {

// Skill counts by name: Skill tool calls and slash commands, with the scope conditions of
// tool_calls `t` and messages `m`.
void CountSkills(Db& db, const SqlConditions& tool_scope, const SqlConditions& message_scope,
                 std::map<std::string, int64_t>& tools, std::map<std::string, int64_t>& commands) {
  {
    SqlConditions where = tool_scope;
    where.Add("t.tool_name = 'Skill'");
    Stmt q(db, "SELECT t.input FROM tool_calls t" + where.Where());
    where.Bind(q);
    while (q.Step()) {
      if (q.IsNull(0)) continue;
      if (auto name = SkillOfInput(q.TextView(0))) ++tools[*name];
    }
  }
  SqlConditions where = message_scope;
  where.Add("m.type = 'user'");
  where.Add("m.kind = 'command'");
  Stmt q(db, "SELECT m.content_text FROM messages m" + where.Where());
  where.Bind(q);
  while (q.Step()) {
    if (auto name = CommandName(q.TextView(0))) ++commands[*name];
  }
}

ordered_json Breakdown(Db& db, const SqlConditions& tool_scope, const SqlConditions& message_scope,
                       const SqlConditions& agent_scope) {
  std::map<std::string, int64_t> tools, mcp, agents;
  {
    SqlConditions where = tool_scope;
    where.Add("t.tool_name IS NOT NULL");
    Stmt q(db, "SELECT t.tool_name, count(*) FROM tool_calls t" + where.Where() +
                   " GROUP BY t.tool_name");
    where.Bind(q);
    while (q.Step()) {
      std::string name = q.Text(0);
      tools[name] += q.Int(1);
      if (auto m = SplitMcpName(name)) mcp[m->server] += q.Int(1);
    }
  }
  std::map<std::string, int64_t> skill_tools, skill_commands;
  CountSkills(db, tool_scope, message_scope, skill_tools, skill_commands);
  for (auto& [name, n] : skill_commands)
    skill_tools[name] += n;
  {
    Stmt q(db, "SELECT coalesce(nullif(a.agent_type, ''), 'unknown'), count(*) FROM subagents a" +
                   agent_scope.Where() + " GROUP BY 1");
    agent_scope.Bind(q);
    while (q.Step())
      agents[q.Text(0)] += q.Int(1);
  }
  ordered_json out;
  out["tools"] = NameCounts(tools);
  out["skills"] = NameCounts(skill_tools);
  out["mcp_servers"] = NameCounts(mcp);
  out["agents"] = NameCounts(agents);
  return out;
}

// `p` relative to `root` ("." for the root itself), or nullopt when outside it. A relative `p`
// is taken as relative to the root.
std::optional<std::string> RelativeTo(const std::string& root, const std::string& p) {
  if (p.empty() || root.empty()) return std::nullopt;
  namespace fs = std::filesystem;
  fs::path path(p);
  if (path.is_relative()) path = fs::path(root) / path;
  std::string norm = path.lexically_normal().string();
  std::string base = fs::path(root).lexically_normal().string();
  auto strip = [](std::string& s) {
    while (s.size() > 1 && s.back() == '/')
      s.pop_back();
  };
  strip(norm);
  strip(base);
  if (norm == base) return ".";
  if (base == "/") return norm.size() > 1 ? std::optional<std::string>(norm.substr(1)) : ".";
  if (norm.size() > base.size() && norm.compare(0, base.size(), base) == 0 &&
      norm[base.size()] == '/') {
    return norm.substr(base.size() + 1);
  }
  return std::nullopt;
}

const std::vector<std::string>& RequireProject(Db& db, const QueryFilter& f,
                                               std::optional<std::vector<std::string>>& paths) {
  if (!f.project) throw RequestError::BadParam("project", "project is required");
  paths = ResolveProject(db, f.project);
  return *paths;
}

struct ToolCount {
  std::string name;
  int64_t calls = 0, errors = 0;
};

// Calls and errors per tool name in the filter's range, in name order; `names` (SQL on a
// column tool_name, optional) narrows the tools. Without a project they come from tool_rollup
// (a few thousand rows; tool_rollup.h), with one from its sessions' calls.
std::vector<ToolCount> ToolCounts(Db& db, const QueryFilter& f,
                                  const std::optional<std::vector<std::string>>& paths,
                                  const char* names = nullptr) {
  SqlConditions where;
  if (names) where.Add(names);
  std::vector<ToolCount> out;
  if (paths) {
    where.Add("tool_name IS NOT NULL");
    AddSessionScope(where, f, paths, "t", "timestamp");
    Stmt q(db, "SELECT tool_name, count(*), sum(success IS 0) FROM tool_calls t" + where.Where() +
                   " GROUP BY tool_name ORDER BY tool_name");
    where.Bind(q);
    while (q.Step())
      out.push_back({q.Text(0), q.Int(1), q.Int(2)});
    return out;
  }
  if (f.from_ms) where.Add("bucket >= ?", {*f.from_ms});
  if (f.to_ms) where.Add("bucket < ?", {*f.to_ms});
  // A range leaves out the calls without a time, as the calls' own condition would.
  if (f.from_ms || f.to_ms) where.Add("bucket != ?", {kNoToolBucket});
  // Summed here: SQLite's GROUP BY would sort the rows (they come in bucket order) first.
  Stmt q(db, "SELECT tool_name, calls, errors FROM tool_rollup" + where.Where());
  where.Bind(q);
  std::map<std::string, ToolCount, std::less<>> sums;
  while (q.Step()) {
    std::string_view name = q.TextView(0);
    auto it = sums.find(name);
    if (it == sums.end()) it = sums.emplace(std::string(name), ToolCount{std::string(name)}).first;
    it->second.calls += q.Int(1);
    it->second.errors += q.Int(2);
  }
  for (auto& [name, c] : sums)
    if (c.calls > 0) out.push_back(std::move(c));
  return out;
}

}  // namespace

ordered_json ToolStats(Db& db, const QueryFilter& f) {
  Transaction snapshot(db, /*immediate=*/false);
  auto paths = ResolveProject(db, f.project);
  struct Agg {
    int64_t calls = 0, errors = 0;
    std::vector<int64_t> durations;
  };
  std::map<std::string, Agg, std::less<>> tools;
  for (ToolCount& c : ToolCounts(db, f, paths))
    tools[std::move(c.name)] = Agg{c.calls, c.errors, {}};
  // Durations for the exact p95: the calls that have one (the partial index
  // tool_calls_duration holds just those).
  SqlConditions where;
  where.Add("t.duration_ms IS NOT NULL");
  where.Add("t.tool_name IS NOT NULL");
  if (paths) {
    AddSessionScope(where, f, paths, "t", "timestamp");
  } else {
    // "+": not through tool_calls_time, which would look up every call of the range; the
    // duration index holds the time.
    if (f.from_ms) where.Add("+t.timestamp >= ?", {*f.from_ms});
    if (f.to_ms) where.Add("+t.timestamp < ?", {*f.to_ms});
  }
  Stmt q(db, "SELECT t.tool_name, t.duration_ms FROM tool_calls t" + where.Where());
  where.Bind(q);
  Agg* a_ptr = nullptr;  // the rows come grouped by tool name (the index's order): look up less
  std::string_view a_name;
  while (q.Step()) {
    std::string_view name = q.TextView(0);
    if (!a_ptr || name != a_name) {
      auto it = tools.find(name);
      if (it == tools.end()) it = tools.emplace(std::string(name), Agg()).first;
      a_ptr = &it->second;
      a_name = it->first;
    }
    a_ptr->durations.push_back(q.Int(1));
  }
  std::vector<std::pair<std::string, Agg*>> rows;
  for (auto& [name, a] : tools)
    rows.emplace_back(name, &a);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& x, const auto& y) { return x.second->calls > y.second->calls; });
  ordered_json out = ordered_json::array();
  for (auto& [name, a] : rows) {
    ordered_json row;
    row["name"] = name;
    row["calls"] = a->calls;
    row["errors"] = a->errors;
    row["success_rate"] = Ratio(double(a->calls - a->errors), double(a->calls));
    if (a->durations.empty()) {
      row["avg_duration_ms"] = nullptr;
      row["p95_duration_ms"] = nullptr;
    } else {
      auto& d = a->durations;
      double sum = 0;
      for (int64_t v : d)
        sum += double(v);
      row["avg_duration_ms"] = Ratio(sum, double(d.size()));
      // Nearest rank: the ceil(0.95 n)-th smallest value.
      std::size_t rank = (d.size() * 95 + 99) / 100;
      std::nth_element(d.begin(), d.begin() + std::ptrdiff_t(rank - 1), d.end());
      row["p95_duration_ms"] = d[rank - 1];
    }
    out.push_back(std::move(row));
  }
  return out;
}

ordered_json SkillStats(Db& db, const QueryFilter& f) {
  Transaction snapshot(db, /*immediate=*/false);
  auto paths = ResolveProject(db, f.project);
  SqlConditions tool_scope, message_scope;
  AddSessionScope(tool_scope, f, paths, "t", "timestamp");
  AddSessionScope(message_scope, f, paths, "m", "timestamp");
  std::map<std::string, int64_t> tools, commands;
  CountSkills(db, tool_scope, message_scope, tools, commands);
  struct Row {
    std::string name;
    int64_t count;
    const char* source;
  };
  std::vector<Row> rows;
  for (auto& [name, n] : tools)
    rows.push_back({name, n, "tool"});
  for (auto& [name, n] : commands)
    rows.push_back({name, n, "command"});
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.count != b.count) return a.count > b.count;
    if (a.name != b.name) return a.name < b.name;
    return std::string_view(a.source) < std::string_view(b.source);
  });
  ordered_json out = ordered_json::array();
  for (const Row& r : rows)
    out.push_back({{"name", r.name}, {"count", r.count}, {"source", r.source}});
  return out;
}

ordered_json McpStats(Db& db, const QueryFilter& f) {
  Transaction snapshot(db, /*immediate=*/false);
  auto paths = ResolveProject(db, f.project);
  struct Server {
    int64_t calls = 0, errors = 0;
    std::map<std::string, int64_t> tools;
  };
  std::map<std::string, Server> servers;
  // tool_name LIKE 'mcp\_\_%', as an index range ('`' follows '_').
  for (const ToolCount& c :
       ToolCounts(db, f, paths, "tool_name >= 'mcp__' AND tool_name < 'mcp_`'")) {
    auto name = SplitMcpName(c.name);
    if (!name) continue;
    Server& s = servers[name->server];
    s.calls += c.calls;
    s.errors += c.errors;
    s.tools[name->tool] += c.calls;
  }
  std::vector<std::pair<std::string, Server*>> rows;
  for (auto& [name, s] : servers)
    rows.emplace_back(name, &s);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second->calls > b.second->calls; });
  ordered_json list = ordered_json::array();
  for (auto& [name, s] : rows) {
    ordered_json tools = ordered_json::array();
    for (auto& t : NameCounts(s->tools))
      tools.push_back({{"name", t["name"]}, {"calls", t["count"]}});
    list.push_back(
        {{"name", name}, {"calls", s->calls}, {"errors", s->errors}, {"tools", std::move(tools)}});
  }
  ordered_json out;
  out["servers"] = std::move(list);
  return out;
}

ordered_json ErrorStats(Db& db, const QueryFilter& f, int64_t now_ms) {
  Transaction snapshot(db, /*immediate=*/false);
  auto paths = ResolveProject(db, f.project);
  ordered_json out;
  // Per tool.
  struct ToolRow {
    std::string tool;
    int64_t errors, total;
  };
  std::vector<ToolRow> by_tool;
  int64_t total_calls = 0, total_errors = 0;
  for (const ToolCount& c : ToolCounts(db, f, paths)) {
    total_calls += c.calls;
    total_errors += c.errors;
    if (c.errors > 0) by_tool.push_back({c.name, c.errors, c.calls});
  }
  std::stable_sort(by_tool.begin(), by_tool.end(),
                   [](const ToolRow& a, const ToolRow& b) { return a.errors > b.errors; });
  out["total_errors"] = total_errors;
  out["total_calls"] = total_calls;
  out["error_rate"] = Ratio(double(total_errors), double(total_calls));
  ordered_json tools = ordered_json::array();
  for (const ToolRow& r : by_tool) {
    tools.push_back({{"tool", r.tool},
                     {"errors", r.errors},
                     {"total", r.total},
                     {"rate", Ratio(double(r.errors), double(r.total))}});
  }
  out["errors_by_tool"] = std::move(tools);

  // Common patterns, in time order so that each group's example is its first error.
  {
    struct Group {
      std::string example;
      int64_t count = 0;
      std::set<std::string> tools;
    };
    std::map<std::string, Group> groups;
    SqlConditions where;
    where.Add("t.tool_name IS NOT NULL");
    where.Add("t.success = 0");
    AddSessionScope(where, f, paths, "t", "timestamp");
    // In time order from the partial index tool_calls_failed (tool_rollup.h), which holds the
    // texts too: before it, SQLite walked every call through tool_calls_time and looked each
    // one up (~0.4 s of the answer on a 1 GB store; now ~20 ms).
    Stmt q(db,
           "SELECT t.tool_name, coalesce(nullif(t.error, ''), nullif(t.stderr_preview, ''), "
           "'(no error text)') FROM tool_calls t" +
               where.Where() + " ORDER BY t.timestamp, t.id");
    where.Bind(q);
    while (q.Step()) {
      std::string_view text = q.TextView(1);
      Group& g = groups[NormaliseErrorText(text)];
      if (g.count++ == 0) g.example = ErrorExample(text);
      g.tools.insert(q.Text(0));
    }
    std::vector<const Group*> rows;
    for (auto& [key, g] : groups)
      rows.push_back(&g);
    std::sort(rows.begin(), rows.end(), [](const Group* a, const Group* b) {
      if (a->count != b->count) return a->count > b->count;
      return a->example < b->example;
    });
    ordered_json common = ordered_json::array();
    for (std::size_t i = 0; i < rows.size() && i < kMaxCommonErrors; ++i) {
      common.push_back(
          {{"pattern", rows[i]->example}, {"count", rows[i]->count}, {"tools", rows[i]->tools}});
    }
    out["common_errors"] = std::move(common);
  }

  // The 30-day trend.
  {
    constexpr int64_t kTrendDays = 30;
    const int64_t last = EndDay(f, now_ms), first = last - (kTrendDays - 1);
    std::vector<std::pair<int64_t, int64_t>> days(kTrendDays);  // errors, total
    QueryFilter range = f;
    range.from_ms = f.tz.StartOfDay(CivilDay::FromDaysSinceEpoch(first));
    range.to_ms = f.tz.StartOfDay(CivilDay::FromDaysSinceEpoch(last + 1));
    // Per bucket from tool_rollup without a project (its buckets never straddle a day), per
    // call otherwise.
    SqlConditions where;
    std::string sql;
    if (paths) {
      where.Add("t.tool_name IS NOT NULL");
      AddSessionScope(where, range, paths, "t", "timestamp");
      sql = "SELECT t.timestamp, 1, t.success IS 0 FROM tool_calls t" + where.Where() +
            " ORDER BY t.timestamp";
    } else {
      where.Add("bucket >= ?", {*range.from_ms});
      where.Add("bucket < ?", {*range.to_ms});
      sql = "SELECT bucket, calls, errors FROM tool_rollup" + where.Where() + " ORDER BY bucket";
    }
    Stmt q(db, sql);
    where.Bind(q);
    DayMapper mapper(f.tz);
    while (q.Step()) {
      int64_t d = mapper.DayOf(q.Int(0)) - first;
      if (d < 0 || d >= kTrendDays) continue;
      auto& day = days[std::size_t(d)];
      day.second += q.Int(1);
      day.first += q.Int(2);
    }
    ordered_json trend = ordered_json::array();
    for (int64_t i = 0; i < kTrendDays; ++i) {
      trend.push_back({{"date", CivilDay::FromDaysSinceEpoch(first + i).ToString()},
                       {"errors", days[std::size_t(i)].first},
                       {"total", days[std::size_t(i)].second}});
    }
    out["error_trend"] = std::move(trend);
  }
  return out;
}

ordered_json FileHeatmap(Db& db, const QueryFilter& f) {
  Transaction snapshot(db, /*immediate=*/false);
  std::optional<std::vector<std::string>> paths;
  RequireProject(db, f, paths);
  SqlConditions where;
  where.Add(
      "t.tool_name IN ('Read', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Grep', 'Glob')");
  if (f.from_ms) where.Add("t.timestamp >= ?", {*f.from_ms});
  if (f.to_ms) where.Add("t.timestamp < ?", {*f.to_ms});
  where.Add("s.project_path IN (SELECT value FROM json_each(?))", {JsonList(*paths)});
  Stmt q(db,
         "SELECT t.tool_name, s.project_path, CASE WHEN t.tool_name IN ('Grep', 'Glob') THEN "
         "coalesce(json_extract(t.input, '$.path'), '.') ELSE coalesce(t.file_path, "
         "json_extract(t.input, '$.file_path'), json_extract(t.input, '$.notebook_path')) END "
         "FROM tool_calls t JOIN sessions s ON s.id = t.session_id" +
             where.Where());
  where.Bind(q);
  struct Counts {
    int64_t reads = 0, writes = 0, edits = 0, searches = 0;
    int64_t total() const { return reads + writes + edits + searches; }
  };
  std::map<std::string, Counts> files;
  while (q.Step()) {
    if (q.IsNull(2)) continue;
    auto rel = RelativeTo(q.Text(1), q.Text(2));
    if (!rel) continue;
    Counts& c = files[*rel];
    std::string_view tool = q.TextView(0);
    if (tool == "Read") {
      ++c.reads;
    } else if (tool == "Write") {
      ++c.writes;
    } else if (tool == "Grep" || tool == "Glob") {
      ++c.searches;
    } else {
      ++c.edits;
    }
  }
  std::map<std::string, int64_t> dirs;
  std::vector<std::pair<std::string, Counts>> rows(files.begin(), files.end());
  for (auto& [path, c] : rows) {
    std::string dir = std::filesystem::path(path).parent_path().string();
    dirs[dir.empty() ? "." : dir] += c.total();
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second.total() > b.second.total();
  });
  ordered_json out;
  ordered_json list = ordered_json::array();
  for (std::size_t i = 0; i < rows.size() && i < 50; ++i) {
    const Counts& c = rows[i].second;
    list.push_back({{"path", rows[i].first},
                    {"reads", c.reads},
                    {"writes", c.writes},
                    {"edits", c.edits},
                    {"searches", c.searches},
                    {"total", c.total()}});
  }
  out["files"] = std::move(list);
  ordered_json dir_list = ordered_json::array();
  auto dir_rows = NameCounts(dirs);
  for (std::size_t i = 0; i < dir_rows.size() && i < 20; ++i)
    dir_list.push_back({{"path", dir_rows[i]["name"]}, {"total", dir_rows[i]["count"]}});
  out["directories"] = std::move(dir_list);
  return out;
}

ordered_json SessionBreakdown(Db& db, const std::string& session_id) {
  Transaction snapshot(db, /*immediate=*/false);
  {
    Stmt q(db, "SELECT 1 FROM sessions WHERE id = ?1");
    q.Bind(1, session_id);
    if (!q.Step()) throw RequestError::NotFound("session " + session_id + " not found");
  }
  SqlConditions tools, messages, agents;
  tools.Add("t.session_id = ?", {session_id});
  messages.Add("m.session_id = ?", {session_id});
  agents.Add("a.session_id = ?", {session_id});
  return Breakdown(db, tools, messages, agents);
}

ordered_json ProjectBreakdown(Db& db, const QueryFilter& f) {
  Transaction snapshot(db, /*immediate=*/false);
  std::optional<std::vector<std::string>> paths;
  RequireProject(db, f, paths);
  SqlConditions tools, messages, agents;
  AddSessionScope(tools, f, paths, "t", "timestamp");
  AddSessionScope(messages, f, paths, "m", "timestamp");
  AddSessionScope(agents, f, paths, "a", "started_at");
  return Breakdown(db, tools, messages, agents);
}

}  // namespace cs

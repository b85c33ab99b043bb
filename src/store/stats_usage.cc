// Period totals from usage_rollup: /api/stats, /daily, /models, /projects, /token-efficiency,
// and the active sessions.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "store/stats_internal.h"
#include "store/stats_query.h"

namespace cs {

using nlohmann::ordered_json;
using namespace stats;

namespace {

struct Block {
  int64_t sessions = 0, messages = 0, tool_calls = 0, input = 0, output = 0, cache_read = 0,
          cache_write = 0;
  double cost = 0;

  // Adds the columns messages, tool_calls, input, output, cache read, cache write, cost
  // starting at `c`.
  void AddRow(const Stmt& q, int c) {
    messages += q.Int(c);
    tool_calls += q.Int(c + 1);
    input += q.Int(c + 2);
    output += q.Int(c + 3);
    cache_read += q.Int(c + 4);
    cache_write += q.Int(c + 5);
    cost += q.Real(c + 6);
  }
  int64_t total() const { return input + output + cache_read + cache_write; }
  ordered_json Json() const {
    ordered_json j;
    Write(j);
    return j;
  }
  void Write(ordered_json& j) const {
    j["sessions"] = sessions;
    j["messages"] = messages;
    j["tool_calls"] = tool_calls;
    j["input_tokens"] = input;
    j["output_tokens"] = output;
    j["cache_read_tokens"] = cache_read;
    j["cache_write_tokens"] = cache_write;
    j["total_tokens"] = total();
    j["cost_usd"] = RoundMoney(cost);
  }
};

// The block columns of usage_rollup, unsummed, in Block::AddRow's order.
const char* const kBlockColumns =
    "messages, tool_calls, input_tokens, output_tokens, cache_read_tokens, "
    "cache_write_5m_tokens + cache_write_1h_tokens, cost_usd";

// A block and the distinct sessions behind it. Summing the rollup rows here is several times
// faster than SQLite's sum() and count(DISTINCT) over the same scan.
struct SessionBlock {
  // Looked up by the column's string_view: a session's id is copied once, not once per row.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  Block block;
  std::unordered_set<std::string, Hash, std::equal_to<>> sessions;
  void Add(const Stmt& q, int session_col, int first_col) {
    block.AddRow(q, first_col);
    std::string_view id = q.TextView(session_col);
    if (sessions.find(id) == sessions.end()) sessions.emplace(id);
  }
  Block Done() {
    block.sessions = int64_t(sessions.size());
    return block;
  }
};

const char* const kBlockSums =
    "sum(messages), sum(tool_calls), sum(input_tokens), sum(output_tokens), "
    "sum(cache_read_tokens), sum(cache_write_5m_tokens + cache_write_1h_tokens), sum(cost_usd)";

// The rows behind per-session blocks: session_rollup's (summed over models, half as many)
// when neither a project nor a model narrows the query, usage_rollup's otherwise. Selects
// `lead`, then kBlockColumns.
std::string BlockRows(const QueryFilter& f, const std::optional<std::vector<std::string>>& paths,
                      bool with_range, const char* lead, SqlConditions& where) {
  AddRollupScope(where, f, paths, with_range);
  if (paths || f.model) {
    return std::string("SELECT ") + lead + ", " + kBlockColumns + " FROM usage_rollup" +
           where.Where();
  }
  where.Add("parts > 0");
  return std::string("SELECT ") + lead +
         ", messages, tool_calls, input_tokens, output_tokens, cache_read_tokens, "
         "cache_write_tokens, cost_usd FROM session_rollup" +
         where.Where();
}

Block RollupBlock(Db& db, const QueryFilter& f,
                  const std::optional<std::vector<std::string>>& paths, bool with_range) {
  SqlConditions where;
  Stmt q(db, BlockRows(f, paths, with_range, "session_id", where));
  where.Bind(q);
  SessionBlock b;
  while (q.Step())
    b.Add(q, 0, 1);
  return b.Done();
}

// All-time blocks per project (every project in one block when `by_project` is false) read from
// the sessions table, for callers whose filter has no model and no dates: the writer keeps a
// session's totals equal to the sums of its usage_rollup rows, and a store holds about a
// thirteenth as many sessions as rollup rows. A session has rollup rows once it has a message.
std::vector<std::pair<std::string, Block>> SessionTotals(
    Db& db, const std::optional<std::vector<std::string>>& paths, bool by_project) {
  SqlConditions where;
  where.Add("message_count > 0");
  if (paths) where.Add("project_path IN (SELECT value FROM json_each(?))", {JsonList(*paths)});
  const std::string key = by_project ? "project_path" : "''";
  Stmt q(db, "SELECT " + key +
                 ", count(*), sum(message_count), sum(tool_call_count), sum(input_tokens), "
                 "sum(output_tokens), sum(cache_read_tokens), "
                 "sum(cache_write_5m_tokens + cache_write_1h_tokens), total(cost_usd) "
                 "FROM sessions" +
                 where.Where() + " GROUP BY 1 ORDER BY 1");
  where.Bind(q);
  std::vector<std::pair<std::string, Block>> out;
  while (q.Step()) {
    Block b;
    b.sessions = q.Int(1);
    b.AddRow(q, 2);
    out.emplace_back(q.Text(0), b);
  }
  return out;
}

void AddActiveScope(SqlConditions& where, const std::optional<std::vector<std::string>>& paths,
                    int64_t now_ms, int64_t window_ms) {
  where.Add("s.ended_at IS NULL");
  where.Add("s.last_activity_at >= ?", {now_ms - window_ms});
  if (paths) where.Add("s.project_path IN (SELECT value FROM json_each(?))", {JsonList(*paths)});
}

}  // namespace

ordered_json StatsSummary(Db& db, const QueryFilter& f, int64_t now_ms, int64_t active_window_ms) {
  Transaction snapshot(db, /*immediate=*/false);
  auto paths = ResolveProject(db, f.project);
  const bool filtered = f.from_ms || f.to_ms;
  QueryFilter period = f;
  if (!filtered) {
    int64_t today = f.tz.DayOf(now_ms).DaysSinceEpoch();
    period.from_ms = f.tz.StartOfDay(CivilDay::FromDaysSinceEpoch(today));
    period.to_ms = f.tz.StartOfDay(CivilDay::FromDaysSinceEpoch(today + 1));
  }
  ordered_json out;
  out["period_label"] = filtered ? "filtered" : "today";
  out[filtered ? "filtered" : "today"] = RollupBlock(db, period, paths, true).Json();
  if (f.model) {
    out["total"] = RollupBlock(db, f, paths, false).Json();
  } else {
    auto all = SessionTotals(db, paths, /*by_project=*/false);
    out["total"] = (all.empty() ? Block() : all[0].second).Json();
  }
  SqlConditions where;
  AddActiveScope(where, paths, now_ms, active_window_ms);
  Stmt q(db, "SELECT count(*) FROM sessions s" + where.Where());
  where.Bind(q);
  out["active_sessions"] = q.Step() ? q.Int(0) : 0;
  return out;
}

ordered_json DailyStats(Db& db, const QueryFilter& f, std::optional<int64_t> days, int64_t now_ms) {
  const int64_t end_day = EndDay(f, now_ms);
  int64_t first_day = end_day - (days.value_or(kDefaultStatsDays) - 1);
  if (f.from_ms) {
    int64_t from_day = f.tz.DayOf(*f.from_ms).DaysSinceEpoch();
    first_day = days ? std::max(first_day, from_day) : from_day;
  }
  first_day = std::max(first_day, end_day - (kMaxStatsDays - 1));
  ordered_json out = ordered_json::array();
  if (first_day > end_day) return out;

  const int64_t n = end_day - first_day + 1;
  std::vector<SessionBlock> rows(static_cast<std::size_t>(n));

  Transaction snapshot(db, /*immediate=*/false);
  auto paths = ResolveProject(db, f.project);
  // One indexed range scan over the days' buckets (and from/to when they are narrower).
  QueryFilter range = f;
  int64_t lo = f.tz.StartOfDay(CivilDay::FromDaysSinceEpoch(first_day));
  int64_t hi = f.tz.StartOfDay(CivilDay::FromDaysSinceEpoch(end_day + 1));
  range.from_ms = f.from_ms ? std::max(*f.from_ms, lo) : lo;
  range.to_ms = f.to_ms ? std::min(*f.to_ms, hi) : hi;
  SqlConditions where;
  Stmt q(db, BlockRows(range, paths, true, "bucket, session_id", where));
  where.Bind(q);
  DayMapper days_of(f.tz);
  while (q.Step()) {
    int64_t d = days_of.DayOf(q.Int(0)) - first_day;
    if (d < 0 || d >= n) continue;
    rows[static_cast<std::size_t>(d)].Add(q, 1, 2);
  }
  for (int64_t i = 0; i < n; ++i) {
    ordered_json row;
    row["date"] = CivilDay::FromDaysSinceEpoch(first_day + i).ToString();
    rows[static_cast<std::size_t>(i)].Done().Write(row);
    out.push_back(std::move(row));
  }
  return out;
}

ordered_json ModelStats(Db& db, const QueryFilter& f) {
  Transaction snapshot(db, /*immediate=*/false);
  auto paths = ResolveProject(db, f.project);
  std::set<std::string> unpriced;
  {
    Stmt q(db,
           "SELECT DISTINCT m.model FROM messages m WHERE m.session_id IN (SELECT id FROM "
           "sessions WHERE unpriced_messages > 0) AND m.type = 'assistant' AND m.priced = 0 AND "
           "m.model IS NOT NULL");
    while (q.Step())
      unpriced.insert(q.Text(0));
  }
  SqlConditions where;
  where.Add("model != ''");
  where.Add("model != '<synthetic>'");
  AddRollupScope(where, f, paths);
  Stmt q(db, std::string("SELECT model, ") + kBlockSums + " FROM usage_rollup" + where.Where() +
                 " GROUP BY model HAVING sum(messages) != 0 OR sum(cost_usd) != 0 "
                 "ORDER BY sum(cost_usd) DESC, model");
  where.Bind(q);
  ordered_json out = ordered_json::array();
  while (q.Step()) {
    Block b;
    b.AddRow(q, 1);
    ordered_json row;
    row["name"] = q.Text(0);
    row["messages"] = b.messages;
    row["input_tokens"] = b.input;
    row["output_tokens"] = b.output;
    row["cache_read_tokens"] = b.cache_read;
    row["cache_write_tokens"] = b.cache_write;
    row["total_tokens"] = b.total();
    row["cost_usd"] = RoundMoney(b.cost);
    row["unpriced"] = unpriced.count(q.Text(0)) > 0;
    out.push_back(std::move(row));
  }
  return out;
}

ordered_json ProjectStats(Db& db, const QueryFilter& f) {
  Transaction snapshot(db, /*immediate=*/false);
  auto paths = ResolveProject(db, f.project);
  struct Info {
    std::string name;
    std::optional<int64_t> last_activity;
    int64_t commits = 0;
  };
  std::map<std::string, Info> info;
  {
    Stmt q(db,
           "SELECT project_path, max(project_name), max(last_activity_at) FROM sessions "
           "GROUP BY project_path");
    while (q.Step()) {
      Info& i = info[q.Text(0)];
      i.name = q.IsNull(1) ? "" : q.Text(1);
      i.last_activity = q.OptInt(2);
    }
  }
  {
    SqlConditions where;
    if (f.from_ms) where.Add("c.committed_at >= ?", {*f.from_ms});
    if (f.to_ms) where.Add("c.committed_at < ?", {*f.to_ms});
    Stmt q(db,
           "SELECT s.project_path, count(DISTINCT c.repo_path || char(31) || c.hash) FROM "
           "commits c JOIN sessions s ON s.id = c.session_id" +
               where.Where() + " GROUP BY s.project_path");
    where.Bind(q);
    while (q.Step())
      info[q.Text(0)].commits = q.Int(1);
  }
  std::vector<std::pair<std::string, Block>> projects;  // in path order
  if (!f.model && !f.from_ms && !f.to_ms) {
    projects = SessionTotals(db, paths, /*by_project=*/true);
  } else {
    SqlConditions where;
    AddRollupScope(where, f, paths);
    Stmt q(db, std::string("SELECT project_path, session_id, ") + kBlockColumns +
                   " FROM usage_rollup" + where.Where());
    where.Bind(q);
    std::map<std::string, SessionBlock, std::less<>> by_project;
    while (q.Step()) {
      std::string_view path = q.TextView(0);
      auto it = by_project.find(path);
      if (it == by_project.end()) it = by_project.emplace(std::string(path), SessionBlock()).first;
      it->second.Add(q, 1, 2);
    }
    for (auto& [path, sb] : by_project)
      projects.emplace_back(path, sb.Done());
  }
  // By cost, most expensive first; by path among equals.
  std::stable_sort(projects.begin(), projects.end(),
                   [](const auto& a, const auto& b) { return a.second.cost > b.second.cost; });
  ordered_json out = ordered_json::array();
  for (const auto& [path, b] : projects) {
    const Info& i = info[path];
    ordered_json row;
    row["path"] = path;
    row["name"] = i.name;
    row["sessions"] = b.sessions;
    row["messages"] = b.messages;
    row["input_tokens"] = b.input;
    row["output_tokens"] = b.output;
    row["cache_read_tokens"] = b.cache_read;
    row["cache_write_tokens"] = b.cache_write;
    row["total_tokens"] = b.total();
    row["cost_usd"] = RoundMoney(b.cost);
    row["last_activity_at"] =
        i.last_activity ? ordered_json(FormatTimestamp(*i.last_activity)) : ordered_json(nullptr);
    row["commits"] = i.commits;
    row["cost_per_commit"] = i.commits > 0 ? ordered_json(RoundMoney(b.cost / double(i.commits)))
                                           : ordered_json(nullptr);
    out.push_back(std::move(row));
  }
  return out;
}

ordered_json TokenEfficiency(Db& db, const QueryFilter& f, const PriceBook& prices) {
  Transaction snapshot(db, /*immediate=*/false);
  auto paths = ResolveProject(db, f.project);
  struct Model {
    std::string name;
    int64_t messages = 0, input = 0, output = 0, cache_read = 0, cache_write = 0;
    double savings_usd = 0;
  };
  std::vector<Model> models;
  int64_t tool_calls = 0;
  SqlConditions where;
  where.Add("model != '<synthetic>'");
  AddRollupScope(where, f, paths);
  Stmt q(db,
         "SELECT model, sum(assistant_messages), sum(input_tokens), sum(output_tokens), "
         "sum(cache_read_tokens), sum(cache_write_5m_tokens + cache_write_1h_tokens), "
         "sum(tool_calls) FROM usage_rollup" +
             where.Where() + " GROUP BY model ORDER BY model");
  where.Bind(q);
  Model all;
  while (q.Step()) {
    tool_calls += q.Int(6);
    if (q.TextView(0).empty()) continue;
    Model m;
    m.name = q.Text(0);
    m.messages = q.Int(1);
    m.input = q.Int(2);
    m.output = q.Int(3);
    m.cache_read = q.Int(4);
    m.cache_write = q.Int(5);
    if (m.messages == 0 && m.input + m.output + m.cache_read + m.cache_write == 0) continue;
    if (const ModelPrice* p = prices.Match(m.name)) {
      m.savings_usd = double(m.cache_read) * (p->rates.input - p->rates.cache_read) / 1e6;
    }
    all.messages += m.messages;
    all.input += m.input;
    all.output += m.output;
    all.cache_read += m.cache_read;
    all.cache_write += m.cache_write;
    all.savings_usd += m.savings_usd;
    models.push_back(std::move(m));
  }
  auto hit_rate = [](const Model& m) {
    return Ratio(double(m.cache_read), double(m.cache_read + m.cache_write + m.input));
  };
  std::stable_sort(models.begin(), models.end(),
                   [](const Model& a, const Model& b) { return a.savings_usd > b.savings_usd; });
  ordered_json out;
  out["cache_hit_rate"] = hit_rate(all);
  out["avg_input_tokens_per_message"] = Ratio(double(all.input), double(all.messages));
  out["avg_output_tokens_per_message"] = Ratio(double(all.output), double(all.messages));
  out["avg_tokens_per_tool_call"] =
      Ratio(double(all.input + all.output + all.cache_read + all.cache_write), double(tool_calls));
  out["cache_read_tokens"] = all.cache_read;
  out["cache_savings_tokens"] = all.cache_read;
  out["cache_savings_usd"] = RoundMoney(all.savings_usd);
  ordered_json by_model = ordered_json::array();
  for (const Model& m : models) {
    ordered_json row;
    row["model"] = m.name;
    row["messages"] = m.messages;
    row["cache_hit_rate"] = hit_rate(m);
    row["avg_input_tokens"] = Ratio(double(m.input), double(m.messages));
    row["avg_output_tokens"] = Ratio(double(m.output), double(m.messages));
    row["cache_read_tokens"] = m.cache_read;
    row["cache_savings_tokens"] = m.cache_read;
    row["cache_savings_usd"] = RoundMoney(m.savings_usd);
    by_model.push_back(std::move(row));
  }
  out["efficiency_by_model"] = std::move(by_model);
  return out;
}

ordered_json ActiveSessions(Db& db, const QueryFilter& f, int64_t now_ms,
                            int64_t active_window_ms) {
  Transaction snapshot(db, /*immediate=*/false);
  auto paths = ResolveProject(db, f.project);
  SqlConditions where;
  AddActiveScope(where, paths, now_ms, active_window_ms);
  Stmt q(db,
         "SELECT s.id, s.project_path, s.project_name, coalesce(nullif(s.custom_title, ''), "
         "nullif(s.ai_title, ''), nullif(s.summary_title, '')), s.git_branch, s.started_at, "
         "s.last_activity_at, s.message_count, s.tool_call_count, s.input_tokens + "
         "s.output_tokens + s.cache_read_tokens + s.cache_write_5m_tokens + "
         "s.cache_write_1h_tokens, s.cost_usd FROM sessions s" +
             where.Where() + " ORDER BY s.last_activity_at DESC, s.id");
  where.Bind(q);
  ordered_json list = ordered_json::array();
  while (q.Step()) {
    ordered_json row;
    row["id"] = q.Text(0);
    row["project_path"] = q.Text(1);
    row["project_name"] = q.Text(2);
    row["title"] = TextOrNull(q, 3);
    row["git_branch"] = TextOrNull(q, 4);
    row["started_at"] = TimeOrNull(q, 5);
    row["last_activity_at"] = TimeOrNull(q, 6);
    row["message_count"] = q.Int(7);
    row["tool_call_count"] = q.Int(8);
    row["total_tokens"] = q.Int(9);
    row["estimated_cost_usd"] = RoundMoney(q.Real(10));
    list.push_back(std::move(row));
  }
  ordered_json out;
  const std::size_t count = list.size();
  out["sessions"] = std::move(list);
  out["count"] = count;
  return out;
}

}  // namespace cs

#include "store/usage_report.h"

#include <cmath>
#include <map>
#include <set>

namespace cs {

using nlohmann::ordered_json;

double RoundUsd(double v) {
  return std::round(v * 1e6) / 1e6;
}

namespace {

struct Totals {
  int64_t input = 0, output = 0, cache_read = 0, cw5 = 0, cw1h = 0, assistant = 0;
  double cost = 0;
  std::set<std::string, std::less<>> models;

  void AddRow(Stmt& q, int first) {
    input += q.Int(first);
    output += q.Int(first + 1);
    cache_read += q.Int(first + 2);
    cw5 += q.Int(first + 3);
    cw1h += q.Int(first + 4);
    cost += q.Real(first + 5);
    assistant += q.Int(first + 6);
  }
  void Add(const Totals& o) {
    input += o.input;
    output += o.output;
    cache_read += o.cache_read;
    cw5 += o.cw5;
    cw1h += o.cw1h;
    cost += o.cost;
    assistant += o.assistant;
    models.insert(o.models.begin(), o.models.end());
  }
  void Write(ordered_json& j) const {
    j["input_tokens"] = input;
    j["output_tokens"] = output;
    j["cache_read_tokens"] = cache_read;
    j["cache_write_5m_tokens"] = cw5;
    j["cache_write_1h_tokens"] = cw1h;
    j["total_tokens"] = input + output + cache_read + cw5 + cw1h;
    j["cost_usd"] = RoundUsd(cost);
    j["assistant_messages"] = assistant;
  }
};

// The project condition on a table with a project_path column (bound as ?3).
const char* kProjectCond =
    "(?3 IS NULL OR project_path = ?3 OR (NOT EXISTS (SELECT 1 FROM sessions WHERE "
    "project_path = ?3) AND project_path IN (SELECT project_path FROM sessions WHERE "
    "project_name = ?3)))";

void BindRange(Stmt& q, const UsageReportFilter& f) {
  q.Bind(1, f.from_ms.value_or(INT64_MIN)).Bind(2, f.to_ms.value_or(INT64_MAX));
  q.Bind(3, f.project);
}

ordered_json OptTime(Stmt& q, int col) {
  if (q.IsNull(col)) return nullptr;
  return FormatTimestamp(q.Int(col));
}

}  // namespace

ordered_json DailyUsage(Db& db, const UsageReportFilter& f) {
  // Rows in primary-key order (bucket first) and summed here: a GROUP BY would sort every row
  // of the range, which costs more than the whole scan. Without a project the condition is
  // left out rather than bound to NULL, which SQLite would evaluate on every row.
  Stmt q(db, std::string("SELECT bucket, model, input_tokens, output_tokens, cache_read_tokens, "
                         "cache_write_5m_tokens, cache_write_1h_tokens, cost_usd, "
                         "assistant_messages FROM model_rollup "
                         "WHERE bucket >= ?1 AND bucket < ?2") +
                 (f.project ? std::string(" AND ") + kProjectCond : std::string()) +
                 " ORDER BY bucket");
  if (f.project) {
    BindRange(q, f);
  } else {
    q.Bind(1, f.from_ms.value_or(INT64_MIN)).Bind(2, f.to_ms.value_or(INT64_MAX));
  }
  std::map<int64_t, Totals> days;  // days since epoch in f.tz
  int64_t cached_bucket_day = INT64_MIN, cached_day_start = 0, cached_day_end = 0;
  while (q.Step()) {
    int64_t bucket = q.Int(0);
    // Consecutive buckets mostly share a day: avoid a tz look-up per row.
    if (!(bucket >= cached_day_start && bucket < cached_day_end)) {
      CivilDay d = f.tz.DayOf(bucket);
      cached_bucket_day = d.DaysSinceEpoch();
      cached_day_start = f.tz.StartOfDay(d);
      cached_day_end = f.tz.StartOfDay(CivilDay::FromDaysSinceEpoch(cached_bucket_day + 1));
    }
    Totals& t = days[cached_bucket_day];
    t.AddRow(q, 2);
    if (q.Int(8) > 0) {
      std::string_view model = q.TextView(1);
      if (t.models.find(model) == t.models.end()) t.models.emplace(model);
    }
  }
  ordered_json out;
  out["daily"] = ordered_json::array();
  Totals all;
  for (auto& [day, t] : days) {
    if (t.assistant == 0) continue;
    ordered_json row;
    row["date"] = CivilDay::FromDaysSinceEpoch(day).ToString();
    t.Write(row);
    row["models"] = t.models;
    out["daily"].push_back(std::move(row));
    all.Add(t);
  }
  ordered_json totals;
  all.Write(totals);
  totals["models"] = all.models;
  out["totals"] = std::move(totals);
  return out;
}

ordered_json SessionUsage(Db& db, const UsageReportFilter& f) {
  Stmt q(db, std::string(R"SQL(
SELECT id, project_path, coalesce(custom_title, ai_title, summary_title), started_at,
  last_activity_at, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens,
  cache_write_1h_tokens, cost_usd, assistant_messages, user_prompt_count, tool_call_count,
  tool_error_count, subagent_count, compaction_count, api_error_count,
  (SELECT group_concat(model, char(31)) FROM (SELECT DISTINCT model FROM usage_rollup u
     WHERE u.session_id = s.id AND u.model != '' AND u.assistant_messages > 0 ORDER BY model))
FROM sessions s
WHERE coalesce(last_activity_at, 0) >= ?1 AND coalesce(started_at, 0) < ?2 AND )SQL") +
                 kProjectCond + " ORDER BY started_at, id");
  BindRange(q, f);
  ordered_json out;
  out["sessions"] = ordered_json::array();
  Totals all;
  int64_t prompts = 0, tools = 0, tool_errors = 0, subagents = 0, compactions = 0, api_errors = 0;
  while (q.Step()) {
    Totals t;
    t.input = q.Int(5);
    t.output = q.Int(6);
    t.cache_read = q.Int(7);
    t.cw5 = q.Int(8);
    t.cw1h = q.Int(9);
    t.cost = q.Real(10);
    t.assistant = q.Int(11);
    std::string models = q.Text(18);
    size_t pos = 0;
    while (!models.empty() && pos <= models.size()) {
      size_t next = models.find('\x1f', pos);
      t.models.insert(models.substr(pos, next == std::string::npos ? next : next - pos));
      if (next == std::string::npos) break;
      pos = next + 1;
    }
    ordered_json row;
    row["id"] = q.Text(0);
    row["project_path"] = q.Text(1);
    row["title"] = q.IsNull(2) ? ordered_json(nullptr) : ordered_json(q.Text(2));
    row["started_at"] = OptTime(q, 3);
    row["last_activity_at"] = OptTime(q, 4);
    t.Write(row);
    row["user_prompts"] = q.Int(12);
    row["tool_calls"] = q.Int(13);
    row["tool_errors"] = q.Int(14);
    row["subagents"] = q.Int(15);
    row["compactions"] = q.Int(16);
    row["api_errors"] = q.Int(17);
    row["models"] = t.models;
    prompts += q.Int(12);
    tools += q.Int(13);
    tool_errors += q.Int(14);
    subagents += q.Int(15);
    compactions += q.Int(16);
    api_errors += q.Int(17);
    all.Add(t);
    out["sessions"].push_back(std::move(row));
  }
  ordered_json totals;
  totals["sessions"] = out["sessions"].size();
  all.Write(totals);
  totals["user_prompts"] = prompts;
  totals["tool_calls"] = tools;
  totals["tool_errors"] = tool_errors;
  totals["subagents"] = subagents;
  totals["compactions"] = compactions;
  totals["api_errors"] = api_errors;
  totals["models"] = all.models;
  out["totals"] = std::move(totals);
  return out;
}

}  // namespace cs

// The HTML export: one self-contained page (inline CSS, inline SVG chart, no script at all, and a
// CSP that forbids loading anything) with totals, a daily cost chart, per-model and per-project
// tables, and every session with its prompts and tool calls. Every stored string goes through
// HtmlEscape: transcripts are untrusted text (a prompt may well contain "<script>").
#include <cstdio>
#include <map>

#include "core/html.h"
#include "report/export_internal.h"
#include "report/table.h"
#include "store/sessions_query.h"

namespace cs::export_detail {

namespace {

// A chart of more days than this shows the most recent ones (the SVG stays small).
constexpr int64_t kMaxChartDays = 400;
constexpr size_t kMaxPromptChars = 4000;

const char* const kStyle = R"CSS(
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;
max-width:1100px;padding:0 1em;color:#1d2330;background:#fff}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #dde;padding-bottom:.2em}
.muted{color:#667}.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}
.card{border:1px solid #dde;border-radius:6px;padding:.6em 1em;min-width:9em}
.card b{display:block;font-size:1.3em}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border-bottom:1px solid #eef;padding:.25em .5em;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
details{border:1px solid #dde;border-radius:6px;margin:.5em 0;padding:.3em .8em}
summary{cursor:pointer;font-weight:600}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f7fb;padding:.5em;border-radius:4px;margin:.3em 0}
.err{color:#b00020}.ok{color:#0a7d32}svg{max-width:100%;height:auto}
)CSS";

std::string Esc(std::string_view s) {
  return HtmlEscape(s);
}

std::string Num(long long v) {
  return Thousands(v);
}

std::string Usd(double v) {
  char buf[48];
  std::snprintf(buf, sizeof buf, v != 0 && v < 0.01 && v > -0.01 ? "$%.4f" : "$%.2f", v);
  return buf;
}

std::string Cut(const std::string& s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == max_chars) {
      return s.substr(0, i) + "\u2026";
    }
  }
  return s;
}

std::string SessionsIn(const SqlConditions& where) {
  return "(SELECT s.id FROM sessions s" + where.Where() + ")";
}

void WriteTotals(Db& db, const SqlConditions& where, ChunkBuffer& out) {
  Stmt q(db,
         "SELECT count(*), coalesce(sum(message_count),0), coalesce(sum(tool_call_count),0), "
         "coalesce(sum(input_tokens),0), coalesce(sum(output_tokens),0), "
         "coalesce(sum(cache_read_tokens),0), "
         "coalesce(sum(cache_write_5m_tokens + cache_write_1h_tokens),0), "
         "coalesce(sum(cost_usd),0), min(started_at), max(last_activity_at) FROM sessions s" +
             where.Where());
  where.Bind(q);
  q.Step();
  auto card = [&](const char* label, const std::string& value) {
    out << "<div class=\"card\"><span class=\"muted\">" << label << "</span><b>" << Esc(value)
        << "</b></div>";
  };
  out << "<div class=\"cards\">";
  card("Sessions", Num(q.Int(0)));
  card("Messages", Num(q.Int(1)));
  card("Tool calls", Num(q.Int(2)));
  card("Input tokens", Num(q.Int(3)));
  card("Output tokens", Num(q.Int(4)));
  card("Cache read", Num(q.Int(5)));
  card("Cache write", Num(q.Int(6)));
  card("Cost", Usd(q.Real(7)));
  out << "</div>";
  if (!q.IsNull(8)) {
    out << "<p class=\"muted\">Activity from " << Esc(FormatTimestamp(q.Int(8))) << " to "
        << Esc(FormatTimestamp(q.Int(9))) << "</p>";
  }
}

void WriteDailyChart(Db& db, const SqlConditions& where, const TimeZone& tz, ChunkBuffer& out) {
  Stmt q(db, "SELECT bucket, sum(cost_usd) FROM usage_rollup WHERE session_id IN " +
                 SessionsIn(where) + " GROUP BY bucket ORDER BY bucket");
  where.Bind(q);
  // One entry per day: bounded by the calendar, not by the data.
  std::map<int64_t, double> days;
  while (q.Step())
    days[tz.DayOf(q.Int(0)).DaysSinceEpoch()] += q.Real(1);
  out << "<h2>Daily cost (" << Esc(tz.name()) << ")</h2>";
  if (days.empty()) {
    out << "<p class=\"muted\">No usage.</p>";
    return;
  }
  int64_t last = days.rbegin()->first;
  int64_t first = std::max(days.begin()->first, last - kMaxChartDays + 1);
  double max_cost = 0;
  for (auto& [d, c] : days)
    if (d >= first) max_cost = std::max(max_cost, c);
  const int64_t n = last - first + 1;
  const int bar = n > 120 ? 4 : (n > 40 ? 10 : 24), gap = 2, height = 160, top = 10, bottom = 22;
  const int64_t width = n * (bar + gap) + 60;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%lld\" height=\"%d\" "
                "viewBox=\"0 0 %lld %d\" role=\"img\" aria-label=\"Daily cost\">",
                (long long)width, height + top + bottom, (long long)width, height + top + bottom);
  out << buf;
  out << "<text x=\"0\" y=\"12\" font-size=\"11\" fill=\"#667\">" << Esc(Usd(max_cost))
      << "</text>";
  for (int64_t d = first; d <= last; ++d) {
    auto it = days.find(d);
    double c = it == days.end() ? 0 : it->second;
    int h = max_cost > 0 ? int(c / max_cost * height + 0.5) : 0;
    int64_t x = 55 + (d - first) * (bar + gap);
    std::string day = CivilDay::FromDaysSinceEpoch(d).ToString();
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%lld\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#4f6bed\">",
                  (long long)x, top + height - h, bar, h);
    out << buf << "<title>" << Esc(day) << ": " << Esc(Usd(c)) << "</title></rect>";
  }
  std::snprintf(buf, sizeof buf, "<text x=\"55\" y=\"%d\" font-size=\"11\" fill=\"#667\">",
                height + top + 16);
  out << buf << Esc(CivilDay::FromDaysSinceEpoch(first).ToString()) << "</text>";
  std::snprintf(buf, sizeof buf,
                "<text x=\"%lld\" y=\"%d\" font-size=\"11\" fill=\"#667\" text-anchor=\"end\">",
                (long long)width, height + top + 16);
  out << buf << Esc(CivilDay::FromDaysSinceEpoch(last).ToString()) << "</text></svg>";
}

void WriteModels(Db& db, const SqlConditions& where, ChunkBuffer& out) {
  Stmt q(db,
         "SELECT model, sum(assistant_messages), sum(input_tokens), sum(output_tokens), "
         "sum(cache_read_tokens), sum(cache_write_5m_tokens + cache_write_1h_tokens), "
         "sum(cost_usd) FROM usage_rollup WHERE model != '' AND session_id IN " +
             SessionsIn(where) + " GROUP BY model ORDER BY sum(cost_usd) DESC, model");
  where.Bind(q);
  out << "<h2>Models</h2><table><tr><th>Model</th><th class=\"n\">Responses</th>"
         "<th class=\"n\">Input</th><th class=\"n\">Output</th><th class=\"n\">Cache read</th>"
         "<th class=\"n\">Cache write</th><th class=\"n\">Cost</th></tr>";
  while (out.ok() && q.Step()) {
    out << "<tr><td>" << Esc(q.TextView(0)) << "</td><td class=\"n\">" << Num(q.Int(1))
        << "</td><td class=\"n\">" << Num(q.Int(2)) << "</td><td class=\"n\">" << Num(q.Int(3))
        << "</td><td class=\"n\">" << Num(q.Int(4)) << "</td><td class=\"n\">" << Num(q.Int(5))
        << "</td><td class=\"n\">" << Usd(q.Real(6)) << "</td></tr>";
  }
  out << "</table>";
}

void WriteProjects(Db& db, const SqlConditions& where, ChunkBuffer& out) {
  Stmt q(db,
         "SELECT s.project_path, max(s.project_name), count(*), sum(s.message_count), "
         "sum(s.input_tokens + s.output_tokens + s.cache_read_tokens + s.cache_write_5m_tokens + "
         "s.cache_write_1h_tokens), sum(s.cost_usd), max(s.last_activity_at) FROM sessions s" +
             where.Where() +
             " GROUP BY s.project_path ORDER BY sum(s.cost_usd) DESC, "
             "s.project_path");
  where.Bind(q);
  out << "<h2>Projects</h2><table><tr><th>Project</th><th>Path</th><th class=\"n\">Sessions</th>"
         "<th class=\"n\">Messages</th><th class=\"n\">Tokens</th><th class=\"n\">Cost</th>"
         "<th>Last activity</th></tr>";
  while (out.ok() && q.Step()) {
    out << "<tr><td>" << Esc(q.TextView(1)) << "</td><td>" << Esc(q.TextView(0))
        << "</td><td class=\"n\">" << Num(q.Int(2)) << "</td><td class=\"n\">" << Num(q.Int(3))
        << "</td><td class=\"n\">" << Num(q.Int(4)) << "</td><td class=\"n\">" << Usd(q.Real(5))
        << "</td><td>" << (q.IsNull(6) ? "" : Esc(FormatTimestamp(q.Int(6)))) << "</td></tr>";
  }
  out << "</table>";
}

std::string Str(const nlohmann::ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return Dump(v);
}

void WriteSession(Db& db, const nlohmann::ordered_json& s, ChunkBuffer& out) {
  const std::string id = s["id"].get<std::string>();
  std::string title = Str(s["title"]);
  if (title.empty()) title = Cut(Str(s["first_prompt"]), 120);
  if (title.empty()) title = id;
  out << "<details><summary>" << Esc(title) << " <span class=\"muted\">&middot; "
      << Esc(Str(s["project_name"])) << " &middot; " << Esc(Str(s["started_at"])) << " &middot; "
      << Usd(s["estimated_cost_usd"].get<double>()) << "</span></summary>";
  out << "<p class=\"muted\">Session " << Esc(id) << " &middot; " << Esc(Str(s["project_path"]))
      << " &middot; " << Num(s["message_count"].get<long long>()) << " messages &middot; "
      << Num(s["tool_call_count"].get<long long>()) << " tool calls &middot; "
      << Num(s["total_tokens"].get<long long>()) << " tokens";
  if (s["git_branch"].is_string()) out << " &middot; branch " << Esc(Str(s["git_branch"]));
  out << "</p>";
  if (!Str(s["notes"]).empty()) out << "<p>Notes: " << Esc(Str(s["notes"])) << "</p>";

  Stmt prompts(db,
               "SELECT timestamp, content_text FROM messages WHERE session_id = ?1 AND "
               "type = 'user' AND kind = 'prompt' AND is_sidechain = 0 ORDER BY timestamp, rowid");
  prompts.Bind(1, id);
  bool any = false;
  while (out.ok() && prompts.Step()) {
    if (!any) out << "<h3>Prompts</h3>";
    any = true;
    out << "<div><span class=\"muted\">"
        << (prompts.IsNull(0) ? "" : Esc(FormatTimestamp(prompts.Int(0)))) << "</span><pre>"
        << Esc(Cut(prompts.Text(1), kMaxPromptChars)) << "</pre></div>";
  }

  Stmt tools(db,
             "SELECT tool_name, file_path, success, duration_ms, timestamp, error FROM tool_calls "
             "WHERE session_id = ?1 AND tool_name IS NOT NULL ORDER BY timestamp, id");
  tools.Bind(1, id);
  any = false;
  while (out.ok() && tools.Step()) {
    if (!any) {
      out << "<h3>Tool calls</h3><table><tr><th>Time</th><th>Tool</th><th>File</th>"
             "<th>Result</th><th class=\"n\">ms</th></tr>";
    }
    any = true;
    std::string result = tools.IsNull(2) ? "" : (tools.Int(2) ? "ok" : "error");
    out << "<tr><td>" << (tools.IsNull(4) ? "" : Esc(FormatTimestamp(tools.Int(4)))) << "</td><td>"
        << Esc(tools.TextView(0)) << "</td><td>" << Esc(tools.IsNull(1) ? "" : tools.TextView(1))
        << "</td><td class=\"" << (result == "error" ? "err" : "ok") << "\">" << result;
    if (!tools.IsNull(5)) out << ": " << Esc(Cut(tools.Text(5), 300));
    out << "</td><td class=\"n\">" << (tools.IsNull(3) ? "" : Num(tools.Int(3))) << "</td></tr>";
  }
  if (any) out << "</table>";
  out << "</details>\n";
}

}  // namespace

bool WriteHtml(Db& db, const ExportFilter& f, int64_t now_ms, ChunkBuffer& out) {
  SqlConditions where = SessionConditions(f);
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; img-src data:\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>claudescope report</title><style>"
      << kStyle << "</style></head><body><h1>claudescope report</h1>";
  out << "<p class=\"muted\">Exported " << Esc(FormatTimestamp(now_ms));
  auto filters = FiltersJson(f);
  for (auto& [k, v] : filters.items()) {
    if (v.is_null() || k == "tz") continue;
    out << " &middot; " << Esc(k) << ": " << Esc(Str(v));
  }
  out << "</p>";
  WriteTotals(db, where, out);
  WriteDailyChart(db, where, f.tz, out);
  WriteModels(db, where, out);
  WriteProjects(db, where, out);
  out << "<h2>Sessions</h2>\n";
  const SessionClock clock{now_ms, f.active_window_ms};
  Stmt ids = SelectSessionIds(db, where);
  while (out.ok() && ids.Step())
    WriteSession(db, GetSession(db, ids.Text(0), clock), out);
  out << "</body></html>\n";
  return out.ok();
}

}  // namespace cs::export_detail

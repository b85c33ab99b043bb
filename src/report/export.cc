#include "report/export.h"

#include <cstdio>
#include <ctime>

#include "report/export_internal.h"

namespace cs {

using nlohmann::ordered_json;

std::optional<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "json") return ExportFormat::kJson;
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "html") return ExportFormat::kHtml;
  return std::nullopt;
}

const char* ExportFormatName(ExportFormat f) {
  switch (f) {
    case ExportFormat::kJson:
      return "json";
    case ExportFormat::kCsv:
      return "csv";
    case ExportFormat::kHtml:
      return "html";
  }
  return "json";
}

const char* ExportContentType(ExportFormat f) {
  switch (f) {
    case ExportFormat::kJson:
      return "application/json; charset=utf-8";
    case ExportFormat::kCsv:
      return "application/zip";
    case ExportFormat::kHtml:
      return "text/html; charset=utf-8";
  }
  return "application/octet-stream";
}

std::string ExportFileName(ExportFormat f, int64_t now_ms) {
  std::string ts = FormatTimestamp(now_ms);  // 2026-10-01T14:03:07.512Z
  std::string stamp = ts.substr(0, 4) + ts.substr(5, 2) + ts.substr(8, 2) + "-" + ts.substr(11, 2) +
                      ts.substr(14, 2) + ts.substr(17, 2);
  const char* ext = f == ExportFormat::kCsv ? "zip" : ExportFormatName(f);
  return "claudescope-export-" + stamp + "." + ext;
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool WriteExport(Db& db, ExportFormat format, const ExportFilter& filter, int64_t now_ms,
                 const ExportSink& sink) {
  export_detail::ChunkBuffer out(sink);
  // One snapshot for the whole export: ingest may commit meanwhile.
  Transaction snapshot(db, /*immediate=*/false);
  bool ok = false;
  switch (format) {
    case ExportFormat::kJson:
      ok = export_detail::WriteJson(db, filter, now_ms, out);
      break;
    case ExportFormat::kCsv:
      ok = export_detail::WriteCsvZip(db, filter, now_ms, out);
      break;
    case ExportFormat::kHtml:
      ok = export_detail::WriteHtml(db, filter, now_ms, out);
      break;
  }
  return out.Flush() && ok;
}

namespace export_detail {

SqlConditions SessionConditions(const ExportFilter& f) {
  SqlConditions where;
  if (f.project) AddProjectCondition(where, *f.project);
  if (f.session_id) where.Add("s.id = ?", {*f.session_id});
  if (f.from_ms) where.Add("s.last_activity_at >= ?", {*f.from_ms});
  if (f.to_ms) where.Add("s.started_at < ?", {*f.to_ms});
  return where;
}

Stmt SelectSessionIds(Db& db, const SqlConditions& where) {
  Stmt q(db, "SELECT s.id FROM sessions s" + where.Where() + " ORDER BY s.started_at, s.id");
  where.Bind(q);
  return q;
}

ordered_json FiltersJson(const ExportFilter& f) {
  ordered_json j;
  j["project"] = f.project ? ordered_json(*f.project) : ordered_json(nullptr);
  j["session_id"] = f.session_id ? ordered_json(*f.session_id) : ordered_json(nullptr);
  j["from"] = f.from_ms ? ordered_json(FormatTimestamp(*f.from_ms)) : ordered_json(nullptr);
  j["to"] = f.to_ms ? ordered_json(FormatTimestamp(*f.to_ms)) : ordered_json(nullptr);
  j["tz"] = f.tz.name();
  return j;
}

Stmt SelectMessages(Db& db, const std::string& session_id) {
  Stmt q(db, std::string("SELECT ") + kMessageColumns +
                 ", m.cache_write_5m_tokens, m.cache_write_1h_tokens, m.web_search_requests, "
                 "m.fast, m.us_only, m.legacy_cost_usd, m.priced FROM messages m "
                 "WHERE m.session_id = ?1 ORDER BY m.timestamp, m.rowid");
  q.Bind(1, session_id);
  return q;
}

ordered_json ExportMessageJson(const Stmt& q) {
  ordered_json j = MessageJson(q, 0);
  const int c = kMessageColumnCount;
  j["cache_write_5m_tokens"] = q.Int(c);
  j["cache_write_1h_tokens"] = q.Int(c + 1);
  j["web_search_requests"] = q.Int(c + 2);
  j["fast"] = q.Int(c + 3) != 0;
  j["us_only"] = q.Int(c + 4) != 0;
  j["legacy_cost_usd"] = q.IsNull(c + 5) ? ordered_json(nullptr) : ordered_json(q.Real(c + 5));
  j["priced"] = q.Int(c + 6) != 0;
  return j;
}

Stmt SelectToolCalls(Db& db, const std::string& session_id) {
  Stmt q(db, std::string("SELECT ") + kToolCallColumns +
                 " FROM tool_calls t WHERE t.session_id = ?1 ORDER BY t.timestamp, t.id");
  q.Bind(1, session_id);
  return q;
}

Stmt SelectSubagents(Db& db, const std::string& session_id) {
  Stmt q(db, std::string("SELECT ") + kSubagentColumns +
                 ", a.input_tokens, a.output_tokens, a.cache_read_tokens, a.cache_write_tokens "
                 "FROM subagents a WHERE a.session_id = ?1 ORDER BY a.started_at, a.id");
  q.Bind(1, session_id);
  return q;
}

ordered_json ExportSubagentJson(const Stmt& q) {
  ordered_json j = SubagentJson(q, 0);
  const int c = kSubagentColumnCount;
  j["input_tokens"] = q.Int(c);
  j["output_tokens"] = q.Int(c + 1);
  j["cache_read_tokens"] = q.Int(c + 2);
  j["cache_write_tokens"] = q.Int(c + 3);
  return j;
}

Stmt SelectCompactions(Db& db, const std::string& session_id) {
  Stmt q(db,
         "SELECT id, timestamp, trigger, pre_tokens FROM compactions WHERE session_id = ?1 "
         "ORDER BY timestamp, id");
  q.Bind(1, session_id);
  return q;
}

ordered_json CompactionJson(const Stmt& q) {
  ordered_json j;
  j["id"] = q.Text(0);
  j["timestamp"] = TimeOrNull(q, 1);
  j["trigger"] = TextOrNull(q, 2);
  j["pre_tokens"] = q.IsNull(3) ? ordered_json(nullptr) : ordered_json(q.Int(3));
  return j;
}

std::string Dump(const ordered_json& j) {
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace export_detail

}  // namespace cs

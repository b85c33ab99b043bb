// The JSON export: {exported_at, filters, sessions:[{session, messages, tool_calls, subagents,
// compactions, titles}]}, written row by row (one session's rows are never held together).
// `titles` ({custom, ai, summary}) lets a re-import rebuild which kind of title `title` was.
#include "report/export_internal.h"
#include "store/sessions_query.h"

namespace cs::export_detail {

namespace {

nlohmann::ordered_json TitlesJson(Db& db, const std::string& id) {
  Stmt q(db, "SELECT custom_title, ai_title, summary_title FROM sessions WHERE id = ?1");
  q.Bind(1, id);
  nlohmann::ordered_json j = {{"custom", nullptr}, {"ai", nullptr}, {"summary", nullptr}};
  if (q.Step()) {
    j["custom"] = TextOrNull(q, 0);
    j["ai"] = TextOrNull(q, 1);
    j["summary"] = TextOrNull(q, 2);
  }
  return j;
}

}  // namespace

bool WriteJson(Db& db, const ExportFilter& f, int64_t now_ms, ChunkBuffer& out) {
  const SessionClock clock{now_ms, f.active_window_ms};
  out << "{\"exported_at\":" << Dump(FormatTimestamp(now_ms))
      << ",\"filters\":" << Dump(FiltersJson(f)) << ",\"sessions\":[";
  SqlConditions where = SessionConditions(f);
  Stmt ids = SelectSessionIds(db, where);
  bool first_session = true;
  while (out.ok() && ids.Step()) {
    std::string id = ids.Text(0);
    out << (first_session ? "\n{\"session\":" : ",\n{\"session\":")
        << Dump(GetSession(db, id, clock));
    first_session = false;
    auto list = [&](const char* name, Stmt q, auto row_json) {
      out << ",\"" << name << "\":[";
      bool first = true;
      while (out.ok() && q.Step()) {
        if (!first) out << ",";
        first = false;
        out << "\n" << Dump(row_json(q));
      }
      out << "]";
    };
    list("messages", SelectMessages(db, id), ExportMessageJson);
    list("tool_calls", SelectToolCalls(db, id), [](const Stmt& q) { return ToolCallJson(q, 0); });
    list("subagents", SelectSubagents(db, id), ExportSubagentJson);
    list("compactions", SelectCompactions(db, id), CompactionJson);
    out << ",\"titles\":" << Dump(TitlesJson(db, id));
    out << "}";
  }
  out << "\n]}\n";
  return out.ok();
}

}  // namespace cs::export_detail

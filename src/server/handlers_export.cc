// GET /api/export?format=json|csv|html (&project, from, to, session_id, tz): a streamed download
// (report/export.h does the work; this file turns parameters into a filter).
#include <spdlog/spdlog.h>

#include "report/export.h"
#include "server/params.h"
#include "server/router.h"

namespace cs {

namespace {

Response Export(const Request& req, ServerContext& ctx) {
  auto config = ctx.config();
  auto format_name = ParseEnumParam(req, "format", {"json", "csv", "html"});
  ExportFormat format = ParseExportFormat(format_name.value_or("json")).value();
  QueryFilter qf = ParseQueryFilter(req, *config);
  ExportFilter f;
  f.project = qf.project;
  f.session_id = qf.session_id;
  f.from_ms = qf.from_ms;
  f.to_ms = qf.to_ms;
  f.tz = qf.tz;
  f.active_window_ms = int64_t(config->active_window_minutes) * 60 * 1000;
  std::shared_ptr<Db> db = ctx.Reader();
  if (f.session_id) {
    Stmt q(*db, "SELECT 1 FROM sessions WHERE id = ?1");
    q.Bind(1, *f.session_id);
    if (!q.Step()) throw RequestError::NotFound("session " + *f.session_id + " not found");
  }
  const int64_t now = NowMs();
  Response r;
  r.content_type = ExportContentType(format);
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + ExportFileName(format, now) + "\"");
  r.headers.emplace_back("Cache-Control", "no-store");
  // The reader lease travels with the stream: it is released when the download ends.
  r.stream = [db, format, f, now](const Response::ChunkWriter& write) {
    try {
      if (!WriteExport(*db, format, f, now, write)) {
        spdlog::info("export: client went away, stopped");
      }
    } catch (const std::exception& e) {
      // Headers are gone already: the truncated download is all the client can be told.
      spdlog::error("export ({}) failed: {}", ExportFormatName(format), e.what());
    }
  };
  return r;
}

}  // namespace

void RegisterExportRoutes(Router& r) {
  r.Add("GET", "/api/export", Export);
}

}  // namespace cs

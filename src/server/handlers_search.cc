// GET /api/search: full-text search over message text (see store/search_query.h for the query
// language and the snippet markers).
#include "server/params.h"
#include "server/router.h"
#include "store/search_query.h"

namespace cs {

namespace {

Response Search(const Request& req, ServerContext& ctx) {
  SearchFilter f;
  f.q = RequiredParam(req, "q");
  f.session_id = OptionalParam(req, "session_id");
  f.project = OptionalParam(req, "project");
  f.type = ParseEnumParam(req, "type", {"user", "assistant", "system"});
  f.limit = ParseLimit(req);
  f.offset = ParseOffset(req);
  auto db = ctx.Reader();
  Response r;
  r.body =
      SearchMessages(*db, f).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return r;
}

}  // namespace

void RegisterSearchRoutes(Router& r) {
  r.Add("GET", "/api/search", Search);
}

}  // namespace cs

// Session endpoints: GET /api/sessions, GET/PATCH /api/sessions/{id},
// GET /api/sessions/{id}/timeline, GET /api/sessions/{id}/commits. The queries live in
// store/sessions_query.h; this file only turns parameters into filters.
#include "server/params.h"
#include "server/router.h"
#include "store/sessions_query.h"

namespace cs {

namespace {

SessionClock ClockOf(const Config& config) {
  return SessionClock{NowMs(), int64_t(config.active_window_minutes) * 60 * 1000};
}

const std::string& IdOf(const Request& req) {
  return req.path_params.at("id");
}

Response List(const Request& req, ServerContext& ctx) {
  auto config = ctx.config();
  QueryFilter qf = ParseQueryFilter(req, *config);
  SessionListFilter f;
  f.project = qf.project;
  f.model = qf.model;
  f.from_ms = qf.from_ms;
  f.to_ms = qf.to_ms;
  f.search = OptionalParam(req, "search");
  f.tag = OptionalParam(req, "tag");
  f.active = ParseBoolParam(req, "active");
  if (auto sort = ParseEnumParam(
          req, "sort",
          {"started_at", "last_activity_at", "cost", "tokens", "duration", "tool_calls"})) {
    f.sort = *ParseSessionSort(*sort);
  }
  f.page = ListPage{qf.limit, qf.offset, qf.descending};
  auto db = ctx.Reader();
  return Ok(ListSessions(*db, f, ClockOf(*config)));
}

Response Detail(const Request& req, ServerContext& ctx) {
  SessionDetailPage page;
  page.messages_limit = ParseIntParam(req, "messages_limit", 0, INT64_MAX);
  page.messages_offset = ParseIntParam(req, "messages_offset", 0, INT64_MAX).value_or(0);
  auto config = ctx.config();
  auto db = ctx.Reader();
  return Ok(SessionDetail(*db, IdOf(req), ClockOf(*config), page));
}

Response Patch(const Request& req, ServerContext& ctx) {
  auto body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) throw RequestError::BadParam("body", "the body must be valid JSON");
  SessionPatch patch = ParseSessionPatch(body);
  auto clock = ClockOf(*ctx.config());
  nlohmann::ordered_json session;
  ctx.Write([&](Db& db) { session = UpdateSession(db, IdOf(req), patch, clock); });
  return Ok(session);
}

Response Timeline(const Request& req, ServerContext& ctx) {
  auto config = ctx.config();
  auto db = ctx.Reader();
  return Ok(SessionTimeline(*db, IdOf(req), ClockOf(*config)));
}

Response Commits(const Request& req, ServerContext& ctx) {
  auto db = ctx.Reader();
  return Ok(SessionCommits(*db, IdOf(req)));
}

}  // namespace

void RegisterSessionRoutes(Router& r) {
  r.Add("GET", "/api/sessions", List);
  r.Add("GET", "/api/sessions/{id}", Detail);
  r.Add("PATCH", "/api/sessions/{id}", Patch);
  r.Add("GET", "/api/sessions/{id}/timeline", Timeline);
  r.Add("GET", "/api/sessions/{id}/commits", Commits);
}

}  // namespace cs

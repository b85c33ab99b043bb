// Row-level list endpoints: GET /api/messages, /api/tool-calls and /api/subagents. Default
// order is oldest first when one session is asked for (reading a conversation), newest first
// otherwise (a feed), unless order= says otherwise.
#include "server/params.h"
#include "server/router.h"
#include "store/messages_query.h"

namespace cs {

namespace {

ListPage PageOf(const Request& req, bool has_session) {
  ListPage page;
  page.limit = ParseLimit(req);
  page.offset = ParseOffset(req);
  auto order = ParseEnumParam(req, "order", {"asc", "desc"});
  page.descending = order ? *order == "desc" : !has_session;
  return page;
}

Response Messages(const Request& req, ServerContext& ctx) {
  MessageListFilter f;
  f.session_id = OptionalParam(req, "session_id");
  f.type = ParseEnumParam(req, "type", {"user", "assistant", "system"});
  f.page = PageOf(req, f.session_id.has_value());
  auto db = ctx.Reader();
  return Ok(ListMessages(*db, f));
}

Response ToolCalls(const Request& req, ServerContext& ctx) {
  ToolCallListFilter f;
  f.session_id = OptionalParam(req, "session_id");
  f.tool_name = OptionalParam(req, "tool_name");
  f.success = ParseBoolParam(req, "success");
  f.page = PageOf(req, f.session_id.has_value());
  auto db = ctx.Reader();
  return Ok(ListToolCalls(*db, f));
}

// Also takes the shared filter (project, model, from, to, tz) like the session list, so that
// the dashboard's Agents page can honour the global filter.
Response Subagents(const Request& req, ServerContext& ctx) {
  QueryFilter qf = ParseQueryFilter(req, *ctx.config());
  SubagentListFilter f;
  f.session_id = qf.session_id;
  f.project = qf.project;
  f.model = qf.model;
  f.from_ms = qf.from_ms;
  f.to_ms = qf.to_ms;
  f.page = ListPage{qf.limit, qf.offset, qf.order_given ? qf.descending : !f.session_id};
  auto db = ctx.Reader();
  return Ok(ListSubagents(*db, f));
}

}  // namespace

void RegisterMessageRoutes(Router& r) {
  r.Add("GET", "/api/messages", Messages);
  r.Add("GET", "/api/tool-calls", ToolCalls);
  r.Add("GET", "/api/subagents", Subagents);
}

}  // namespace cs

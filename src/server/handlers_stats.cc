// Statistics endpoints: GET /api/stats and /api/stats/{daily, tools, models, projects, skills,
// mcp, errors, token-efficiency, prompt-patterns, file-heatmap, session-breakdown,
// project-breakdown, active-sessions}. The queries live in store/stats_query.h; this file only
// turns parameters into filters (every endpoint takes project, from, to and tz).
#include "server/params.h"
#include "server/router.h"
#include "store/stats_query.h"

namespace cs {

namespace {

using nlohmann::ordered_json;

int64_t ActiveWindowMs(const Config& config) {
  return int64_t(config.active_window_minutes) * 60 * 1000;
}

// Wraps a query of (Db&, const QueryFilter&) into a handler.
template <typename Fn>
Handler Simple(Fn fn) {
  return [fn](const Request& req, ServerContext& ctx) {
    QueryFilter f = ParseQueryFilter(req, *ctx.config());
    auto db = ctx.Reader();
    return Ok(fn(*db, f));
  };
}

Response Summary(const Request& req, ServerContext& ctx) {
  auto config = ctx.config();
  QueryFilter f = ParseQueryFilter(req, *config);
  auto db = ctx.Reader();
  return Ok(StatsSummary(*db, f, NowMs(), ActiveWindowMs(*config)));
}

Response Daily(const Request& req, ServerContext& ctx) {
  auto config = ctx.config();
  QueryFilter f = ParseQueryFilter(req, *config);
  auto days = ParseIntParam(req, "days", 1, kMaxStatsDays);
  auto db = ctx.Reader();
  return Ok(DailyStats(*db, f, days, NowMs()));
}

Response Errors(const Request& req, ServerContext& ctx) {
  QueryFilter f = ParseQueryFilter(req, *ctx.config());
  auto db = ctx.Reader();
  return Ok(ErrorStats(*db, f, NowMs()));
}

Response Efficiency(const Request& req, ServerContext& ctx) {
  auto config = ctx.config();
  QueryFilter f = ParseQueryFilter(req, *config);
  auto db = ctx.Reader();
  return Ok(TokenEfficiency(*db, f, config->prices));
}

Response Heatmap(const Request& req, ServerContext& ctx) {
  RequiredParam(req, "project");
  QueryFilter f = ParseQueryFilter(req, *ctx.config());
  auto db = ctx.Reader();
  return Ok(FileHeatmap(*db, f));
}

Response SessionBreak(const Request& req, ServerContext& ctx) {
  std::string id = RequiredParam(req, "session_id");
  auto db = ctx.Reader();
  return Ok(SessionBreakdown(*db, id));
}

Response ProjectBreak(const Request& req, ServerContext& ctx) {
  RequiredParam(req, "project");
  QueryFilter f = ParseQueryFilter(req, *ctx.config());
  auto db = ctx.Reader();
  return Ok(ProjectBreakdown(*db, f));
}

Response Active(const Request& req, ServerContext& ctx) {
  auto config = ctx.config();
  QueryFilter f = ParseQueryFilter(req, *config);
  auto db = ctx.Reader();
  return Ok(ActiveSessions(*db, f, NowMs(), ActiveWindowMs(*config)));
}

}  // namespace

void RegisterStatsRoutes(Router& r) {
  r.Add("GET", "/api/stats", Summary);
  r.Add("GET", "/api/stats/daily", Daily);
  r.Add("GET", "/api/stats/tools", Simple(ToolStats));
  r.Add("GET", "/api/stats/models", Simple(ModelStats));
  r.Add("GET", "/api/stats/projects", Simple(ProjectStats));
  r.Add("GET", "/api/stats/skills", Simple(SkillStats));
  r.Add("GET", "/api/stats/mcp", Simple(McpStats));
  r.Add("GET", "/api/stats/errors", Errors);
  r.Add("GET", "/api/stats/token-efficiency", Efficiency);
  r.Add("GET", "/api/stats/prompt-patterns", Simple(PromptPatterns));
  r.Add("GET", "/api/stats/file-heatmap", Heatmap);
  r.Add("GET", "/api/stats/session-breakdown", SessionBreak);
  r.Add("GET", "/api/stats/project-breakdown", ProjectBreak);
  r.Add("GET", "/api/stats/active-sessions", Active);
}

}  // namespace cs

// Router: maps (method, path pattern) to handlers. Patterns are literal segments and
// "{name}" parameters ("/api/sessions/{id}/timeline"). Dispatch answers 404 JSON for unknown
// /api paths, 405 with an Allow header when the path exists for other methods, and turns a
// RequestError into its JSON error. Build once at start-up, then Dispatch from any thread.
#pragma once
#include <string>
#include <vector>

#include "server/http.h"

namespace cs {

class Router {
 public:
  void Add(const std::string& method, const std::string& pattern, Handler handler);
  // Returns nullopt-like empty response with status 0 when no route's path matches (the
  // caller then serves static assets for non-/api paths).
  Response Dispatch(Request& req, ServerContext& ctx) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// Each resource's handler file registers its routes here.
void RegisterSessionRoutes(Router& r);  // /api/sessions...
void RegisterMessageRoutes(Router& r);  // /api/messages, /api/tool-calls, /api/subagents
void RegisterStatsRoutes(Router& r);    // /api/stats...
void RegisterSearchRoutes(Router& r);   // /api/search
void RegisterMetaRoutes(Router& r);  // /api/health, /api/projects, /api/models, /api/tags, /metrics
void RegisterConfigRoutes(Router& r);  // /api/config
void RegisterHookRoutes(Router& r);    // /api/hooks
void RegisterBudgetRoutes(Router& r);  // /api/budgets...
void RegisterExportRoutes(Router& r);  // /api/export
void RegisterGitRoutes(Router& r);     // /api/git-sync

}  // namespace cs

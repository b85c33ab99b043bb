// Weak stand-ins for the route groups other files will define, so that the binary links (and
// the dashboard gets a clear 501 instead of a 404) before every handler file has landed.
//
// Linking rule: a strong RegisterXRoutes wins only if its object file comes before this one in
// libcs_server.a, because the linker takes the first archive member that defines a missing
// symbol and never replaces a weak definition it already has. CMake globs the folder in name
// order, so name handler files so that they sort before "routes_pending.cc" (handlers_*.cc),
// or delete the stand-in below when the real one lands.
#include "server/router.h"

namespace cs {

namespace {
Response NotImplemented(const Request&, ServerContext&) {
  return Response::Error(501, "not implemented yet");
}
}  // namespace

__attribute__((weak)) void RegisterSessionRoutes(Router&) {}
__attribute__((weak)) void RegisterMessageRoutes(Router&) {}
__attribute__((weak)) void RegisterStatsRoutes(Router&) {}
__attribute__((weak)) void RegisterSearchRoutes(Router&) {}
__attribute__((weak)) void RegisterConfigRoutes(Router&) {}
__attribute__((weak)) void RegisterHookRoutes(Router&) {}

__attribute__((weak)) void RegisterBudgetRoutes(Router& r) {
  r.Add("GET", "/api/budgets", NotImplemented);
  r.Add("POST", "/api/budgets", NotImplemented);
  r.Add("PUT", "/api/budgets/{id}", NotImplemented);
  r.Add("DELETE", "/api/budgets/{id}", NotImplemented);
  r.Add("GET", "/api/budgets/status", NotImplemented);
}

__attribute__((weak)) void RegisterExportRoutes(Router& r) {
  r.Add("GET", "/api/export", NotImplemented);
}

__attribute__((weak)) void RegisterGitRoutes(Router& r) {
  r.Add("POST", "/api/git-sync", NotImplemented);
}

}  // namespace cs

#include "server/router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace cs {

namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    std::size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool IsParam(const std::string& seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

bool Match(const std::vector<std::string>& pattern, const std::vector<std::string>& segs,
           std::map<std::string, std::string>* params) {
  if (pattern.size() != segs.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (params) (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = segs[i];
    } else if (pattern[i] != segs[i]) {
      return false;
    }
  }
  return true;
}

bool IsApiPath(const std::string& path) {
  return path == "/api" || path.rfind("/api/", 0) == 0 || path == "/metrics";
}

}  // namespace

void Router::Add(const std::string& method, const std::string& pattern, Handler handler) {
  routes_.push_back(Route{method, Split(pattern), std::move(handler)});
}

Response Router::Dispatch(Request& req, ServerContext& ctx) const {
  std::vector<std::string> segs = Split(req.path);
  // Literal routes win over parameter routes ("/api/budgets/status" before "/{id}"), so pick
  // the match with the most literal segments.
  const Route* best = nullptr;
  int best_literals = -1;
  std::set<std::string> allowed;
  for (const Route& r : routes_) {
    if (!Match(r.segments, segs, nullptr)) continue;
    int literals = int(std::count_if(r.segments.begin(), r.segments.end(),
                                     [](const std::string& s) { return !IsParam(s); }));
    if (r.method != req.method) {
      allowed.insert(r.method);
      continue;
    }
    if (literals > best_literals) {
      best = &r;
      best_literals = literals;
    }
  }
  if (!best) {
    if (!allowed.empty()) {
      std::string allow;
      for (const auto& m : allowed)
        allow += (allow.empty() ? "" : ", ") + m;
      Response r = Response::Error(405, "method " + req.method + " not allowed on " + req.path);
      r.headers.emplace_back("Allow", allow);
      return r;
    }
    if (IsApiPath(req.path)) return Response::Error(404, "no such endpoint: " + req.path);
    Response none;
    none.status = 0;
    return none;
  }
  req.path_params.clear();
  Match(best->segments, segs, &req.path_params);
  try {
    return best->handler(req, ctx);
  } catch (const RequestError& e) {
    return Response::Error(e.status(), e.what(), e.field());
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", req.method, req.path, e.what());
  } catch (...) {
    spdlog::error("{} {}: unknown exception", req.method, req.path);
  }
  return Response::Error(500, "internal error");
}

}  // namespace cs

#include "server/guard.h"

#include <algorithm>
#include <cctype>

namespace cs {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool IsStateChanging(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

std::string HostName(std::string_view host) {
  host = Trim(host);
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    if (close == std::string_view::npos) return Lower(host);
    return Lower(host.substr(0, close + 1));
  }
  auto colon = host.find(':');
  return Lower(colon == std::string_view::npos ? host : host.substr(0, colon));
}

bool IsLoopbackHostHeader(std::string_view host) {
  std::string name = HostName(host);
  return name == "localhost" || name == "127.0.0.1" || name == "[::1]";
}

bool HostAllowed(std::string_view host_header, const GuardPolicy& policy) {
  if (Trim(host_header).empty()) return false;
  if (IsLoopbackHostHeader(host_header)) return true;
  std::string name = HostName(host_header);
  return std::any_of(policy.allowed_hosts.begin(), policy.allowed_hosts.end(),
                     [&](const std::string& h) { return HostName(h) == name; });
}

bool OriginAllowed(std::string_view origin, std::string_view host_header) {
  // Scheme and host are case-insensitive in an origin; the port is part of it.
  return Lower(Trim(origin)) == "http://" + Lower(Trim(host_header));
}

bool IsLoopbackBindAddress(std::string_view address) {
  std::string a = Lower(Trim(address));
  if (a == "localhost" || a == "::1" || a == "[::1]") return true;
  return a.rfind("127.", 0) == 0;
}

std::string StartupError(std::string_view bind_address, const GuardPolicy& policy) {
  if (IsLoopbackBindAddress(bind_address) || !policy.auth_token.empty()) return "";
  return "refusing to listen on non-loopback address " + std::string(bind_address) +
         " without server.auth_token set in the configuration (anyone on the network could "
         "read your sessions)";
}

std::string CookieValue(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    auto semi = cookie_header.find(';');
    std::string_view pair = Trim(cookie_header.substr(0, semi));
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && Trim(pair.substr(0, eq)) == name) {
      std::string_view v = Trim(pair.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
    if (semi == std::string_view::npos) break;
    cookie_header.remove_prefix(semi + 1);
  }
  return "";
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool HasValidToken(const Request& req, const GuardPolicy& policy) {
  if (policy.auth_token.empty()) return true;
  std::string auth = req.Header("authorization");
  std::string_view a = Trim(auth);
  if (a.size() > 7 && Lower(a.substr(0, 7)) == "bearer " &&
      ConstantTimeEquals(Trim(a.substr(7)), policy.auth_token)) {
    return true;
  }
  if (ConstantTimeEquals(CookieValue(req.Header("cookie"), kTokenCookie), policy.auth_token)) {
    return true;
  }
  if (req.method == "GET" && req.path == "/") {
    const std::string* t = req.Query("token");
    if (t && ConstantTimeEquals(*t, policy.auth_token)) return true;
  }
  return false;
}

std::size_t BodyLimitFor(std::string_view method, std::string_view path) {
  return method == "POST" && path == "/api/hooks" ? kHookBodyLimit : kBodyLimit;
}

bool HeadHasBody(const Request& req) {
  if (!req.Header("transfer-encoding").empty()) return true;
  std::string len = std::string(Trim(req.Header("content-length")));
  return !len.empty() && len.find_first_not_of('0') != std::string::npos;
}

std::optional<Response> CheckRequest(const Request& req, const GuardPolicy& policy,
                                     bool is_websocket) {
  std::string host = req.Header("host");
  if (!HostAllowed(host, policy)) {
    return Response::Error(403, "host not allowed (DNS rebinding protection)");
  }
  if (!HasValidToken(req, policy)) {
    Response r = Response::Error(401, "authentication required");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  bool changing = IsStateChanging(req.method);
  if (changing && HeadHasBody(req)) {
    std::string ct = Lower(req.Header("content-type"));
    std::string_view media = Trim(std::string_view(ct).substr(0, ct.find(';')));
    if (media != "application/json") {
      return Response::Error(415, "Content-Type must be application/json");
    }
  }
  if (changing || is_websocket) {
    auto it = req.headers.find("origin");
    if (it != req.headers.end() && !OriginAllowed(it->second, host)) {
      return Response::Error(403, "cross-origin request refused");
    }
  }
  return std::nullopt;
}

}  // namespace cs

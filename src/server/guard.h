// Guard: the request checks of api-contract section 7 (DNS-rebinding Host check, CSRF origin
// and content-type rules, bearer/cookie token, body limits), as pure functions so that the
// Beast server and the unit tests share one implementation.
//
// Contract: every function is pure and thread-safe. CheckRequest runs on the request head only
// (before the body is read) and returns the refusal to send, or nullopt to go on.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http.h"

namespace cs {

inline constexpr std::size_t kBodyLimit = 1 << 20;       // 1 MiB
inline constexpr std::size_t kHookBodyLimit = 16 << 20;  // POST /api/hooks
inline constexpr const char* kTokenCookie = "claudescope_token";

struct GuardPolicy {
  std::vector<std::string> allowed_hosts;  // extra Host names (no port), from config
  std::string auth_token;                  // empty: no token required
};

// "localhost", "127.0.0.1", "[::1]" (an optional ":port" is ignored; case-insensitive).
bool IsLoopbackHostHeader(std::string_view host);
// The Host header's name part: "example.com:3000" -> "example.com", "[::1]:80" -> "[::1]".
std::string HostName(std::string_view host);
bool HostAllowed(std::string_view host_header, const GuardPolicy& policy);
// The Origin header must be exactly the server's own origin, http://<Host header>.
bool OriginAllowed(std::string_view origin, std::string_view host_header);
// Whether a bind address is loopback ("127.x.y.z", "::1", "localhost").
bool IsLoopbackBindAddress(std::string_view address);
// Error message when the server must refuse to start with this bind address, else "".
std::string StartupError(std::string_view bind_address, const GuardPolicy& policy);

// Value of cookie `name` in a Cookie header, or "".
std::string CookieValue(std::string_view cookie_header, std::string_view name);
// Compares without an early exit so that a token is not guessable by timing.
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// Whether the request carries the token (Authorization: Bearer, the cookie, or on GET / the
// ?token= query that sets the cookie).
bool HasValidToken(const Request& req, const GuardPolicy& policy);

// Body limit for a request head.
std::size_t BodyLimitFor(std::string_view method, std::string_view path);
// Whether the head announces a body (Content-Length > 0 or Transfer-Encoding).
bool HeadHasBody(const Request& req);

// Checks Host, token, content type and origin, in that order. `req` needs method, path,
// query and headers (lower-case names); the body is not looked at. WebSocket upgrades
// go through the same checks (a GET, so only Host, token and Origin apply; pass
// is_websocket so that the origin rule applies to it although it is a GET).
std::optional<Response> CheckRequest(const Request& req, const GuardPolicy& policy,
                                     bool is_websocket = false);

}  // namespace cs

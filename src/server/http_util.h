// Transport-independent pieces of the HTTP server: request-target decoding, the embedded
// dashboard (static files with the SPA fallback), and the headers every response carries.
// Kept free of Beast so that they compile fast and are unit- and fuzz-testable.
//
// Contract: pure functions, thread-safe; no function throws.
#pragma once
#include <map>
#include <string>
#include <string_view>

#include "server/guard.h"
#include "server/http.h"

namespace cs {

inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

// Percent-decodes `s`; `plus_is_space` for query components. False on a bad escape.
bool PercentDecode(std::string_view s, bool plus_is_space, std::string* out);
// Splits "/a%20b?x=1&y" into the decoded path and query (a repeated key keeps the last; a key
// without '=' has the empty value). False when the target is not an origin-form path or an
// escape is malformed.
bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query);

// Whether an Accept-Encoding value admits gzip (listed, or "*", with a non-zero q).
bool AcceptsGzip(std::string_view accept_encoding);

// Answers a non-API request from kWebAssets: "/" and unknown paths give /index.html (the SPA
// routes on the client); GET and HEAD only (405 otherwise). Text files go gzip-compressed when
// the request accepts it; every file has an ETag, and a matching If-None-Match gets 304. With a
// token policy, GET /?token= sets the HttpOnly token cookie and redirects to "/" so the token
// leaves the address bar. The page (/index.html) gets `time_zone`, the configured zone as GET
// /api/config names it, in its <meta name="claudescope-timezone"> (kIndexTimeZoneMeta): the
// dashboard's first requests depend on it and need not wait for /api/config. The page is sent
// uncompressed (it is small) with an ETag of its content and that zone.
Response ServeStatic(const Request& req, const GuardPolicy& policy,
                     std::string_view time_zone = {});

// The element of index.html that ServeStatic fills in.
inline constexpr std::string_view kIndexTimeZoneMeta = R"(<meta name="claudescope-timezone">)";

// Adds the headers every response carries (nosniff, referrer policy, CSP, cache policy)
// unless the response set them itself.
void AddStandardHeaders(Response& r);

}  // namespace cs

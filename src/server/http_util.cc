#include "server/http_util.h"

#include <strings.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <utility>

#include "core/html.h"
#include "server/web_assets.h"

namespace cs {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const WebAsset* FindAsset(std::string_view path) {
  for (const WebAsset* a = kWebAssets; a->path; ++a) {
    if (path == a->path) return a;
  }
  return nullptr;
}

bool HasHeader(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() == name.size() && strncasecmp(k.c_str(), name.data(), name.size()) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  // "gzip, deflate, br" / "gzip;q=0" / "*": a listed gzip (or *) whose q is not zero.
  size_t pos = 0;
  while (pos <= accept_encoding.size()) {
    size_t end = accept_encoding.find(',', pos);
    if (end == std::string_view::npos) end = accept_encoding.size();
    std::string_view item = accept_encoding.substr(pos, end - pos);
    pos = end + 1;
    size_t semi = item.find(';');
    std::string_view name = item.substr(0, semi);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t'))
      name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
      name.remove_suffix(1);
    if (!(name.size() == 4 && strncasecmp(name.data(), "gzip", 4) == 0) && name != "*") continue;
    if (semi == std::string_view::npos) return true;
    std::string_view params = item.substr(semi + 1);
    size_t q = params.find("q=");
    if (q == std::string_view::npos) return true;
    std::string_view v = params.substr(q + 2);
    // q=0, q=0.0, q=0.00, q=0.000 refuse; any other value accepts.
    bool zero = !v.empty() && v[0] == '0';
    for (size_t i = 1; zero && i < v.size() && v[i] != ' ' && v[i] != ';'; ++i)
      zero = v[i] == '.' || v[i] == '0';
    if (!zero) return true;
  }
  return false;
}

bool PercentDecode(std::string_view s, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return false;
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(char(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string>* query) {
  if (target.empty() || target.front() != '/') return false;
  auto qpos = target.find('?');
  std::string_view raw_path = target.substr(0, qpos);
  if (auto hash = raw_path.find('#'); hash != std::string_view::npos) {
    raw_path = raw_path.substr(0, hash);
  }
  if (!PercentDecode(raw_path, false, path)) return false;
  if (path->find('\0') != std::string::npos) return false;
  query->clear();
  if (qpos == std::string_view::npos) return true;
  std::string_view rest = target.substr(qpos + 1);
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key, value;
    if (!PercentDecode(pair.substr(0, eq), true, &key)) return false;
    if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, &value)) {
      return false;
    }
    (*query)[std::move(key)] = std::move(value);
  }
  return true;
}

namespace {

// index.html with the zone filled in, and its ETag (the file's, extended by the zone's hash).
std::pair<std::string, std::string> IndexPage(const WebAsset& a, std::string_view time_zone) {
  std::string_view page(a.data, a.size);
  std::string body;
  auto at = page.find(kIndexTimeZoneMeta);
  if (at == std::string_view::npos) {
    body.assign(page);
  } else {
    body.reserve(page.size() + time_zone.size() + 16);
    body.append(page.substr(0, at));
    body.append(R"(<meta name="claudescope-timezone" content=")");
    body.append(HtmlEscape(time_zone));
    body.append("\">");
    body.append(page.substr(at + kIndexTimeZoneMeta.size()));
  }
  uint64_t h = 14695981039346656037ull;  // FNV-1a
  for (unsigned char c : time_zone) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::string etag(a.etag);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  etag.insert(etag.size() - 1, std::string("-") + hex);
  return {std::move(body), std::move(etag)};
}

}  // namespace

Response ServeStatic(const Request& req, const GuardPolicy& policy, std::string_view time_zone) {
  if (req.method != "GET" && req.method != "HEAD") {
    Response r = Response::Error(405, "method " + req.method + " not allowed on " + req.path);
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  if (!policy.auth_token.empty() && req.path == "/" && req.Query("token")) {
    // The guard has already checked the token.
    Response r = Response::Empty(303);
    r.headers.emplace_back("Location", "/");
    r.headers.emplace_back("Set-Cookie", std::string(kTokenCookie) + "=" + policy.auth_token +
                                             "; Path=/; HttpOnly; SameSite=Strict");
    return r;
  }
  const WebAsset* a = FindAsset(req.path == "/" ? "/index.html" : req.path);
  if (!a) a = FindAsset("/index.html");
  if (!a) return Response::Error(404, "not found");
  Response r;
  if (std::string_view(a->path) == "/index.html") {
    auto [body, etag] = IndexPage(*a, time_zone);
    r.headers.emplace_back("ETag", etag);
    if (req.Header("if-none-match") == etag) {
      r.status = 304;
      r.content_type.clear();
      return r;
    }
    r.content_type = a->content_type;
    r.body = std::move(body);
    return r;
  }
  r.headers.emplace_back("ETag", a->etag);
  if (a->gzip_data) r.headers.emplace_back("Vary", "Accept-Encoding");
  if (req.Header("if-none-match") == a->etag) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = a->content_type;
  if (a->gzip_data && AcceptsGzip(req.Header("accept-encoding"))) {
    r.headers.emplace_back("Content-Encoding", "gzip");
    r.body.assign(a->gzip_data, a->gzip_size);
  } else {
    r.body.assign(a->data, a->size);
  }
  return r;
}

void AddStandardHeaders(Response& r) {
  if (!HasHeader(r, "X-Content-Type-Options"))
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (!HasHeader(r, "Referrer-Policy")) r.headers.emplace_back("Referrer-Policy", "no-referrer");
  if (!HasHeader(r, "Content-Security-Policy")) {
    r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  }
  if (!HasHeader(r, "Cache-Control")) r.headers.emplace_back("Cache-Control", "no-cache");
}

}  // namespace cs

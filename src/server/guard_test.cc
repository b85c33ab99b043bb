#include "server/guard.h"

#include <gtest/gtest.h>

#include "server/http_util.h"

namespace cs {
namespace {

Request Make(std::string method, std::string path, std::map<std::string, std::string> headers) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.headers = std::move(headers);
  return r;
}

int StatusOf(const Request& r, const GuardPolicy& p = {}, bool ws = false) {
  auto res = CheckRequest(r, p, ws);
  return res ? res->status : 0;
}

TEST(Guard, HostMustBeLoopbackOrAllowed) {
  for (const char* h :
       {"localhost", "localhost:3000", "127.0.0.1:1", "[::1]:3000", "[::1]", "LOCALHOST:80"}) {
    EXPECT_EQ(StatusOf(Make("GET", "/api/health", {{"host", h}})), 0) << h;
  }
  for (const char* h :
       {"", "evil.com", "127.0.0.1.evil.com", "localhost.evil:3000", "[::2]", "127.0.0.2"}) {
    EXPECT_EQ(StatusOf(Make("GET", "/api/health", {{"host", h}})), 403) << h;
  }
  GuardPolicy p;
  p.allowed_hosts = {"box.lan"};
  EXPECT_EQ(StatusOf(Make("GET", "/", {{"host", "box.lan:3000"}}), p), 0);
  EXPECT_EQ(StatusOf(Make("GET", "/", {{"host", "other.lan:3000"}}), p), 403);
}

TEST(Guard, StateChangingBodiesNeedJson) {
  auto post = [](std::string ct) {
    std::map<std::string, std::string> h = {{"host", "localhost:3000"}, {"content-length", "2"}};
    if (!ct.empty()) h["content-type"] = ct;
    return Make("POST", "/api/budgets", h);
  };
  EXPECT_EQ(StatusOf(post("application/json")), 0);
  EXPECT_EQ(StatusOf(post("Application/JSON; charset=utf-8")), 0);
  EXPECT_EQ(StatusOf(post("text/plain")), 415);
  EXPECT_EQ(StatusOf(post("")), 415);
  EXPECT_EQ(StatusOf(post("application/jsonx")), 415);
  // No body: no content type needed (DELETE /api/budgets/1).
  EXPECT_EQ(StatusOf(Make("DELETE", "/api/budgets/1", {{"host", "localhost"}})), 0);
  EXPECT_EQ(
      StatusOf(Make("DELETE", "/api/budgets/1", {{"host", "localhost"}, {"content-length", "0"}})),
      0);
}

TEST(Guard, OriginMustBeOurOwn) {
  std::map<std::string, std::string> h = {
      {"host", "127.0.0.1:3000"}, {"content-type", "application/json"}, {"content-length", "2"}};
  h["origin"] = "http://127.0.0.1:3000";
  EXPECT_EQ(StatusOf(Make("POST", "/api/x", h)), 0);
  h["origin"] = "http://evil.com";
  EXPECT_EQ(StatusOf(Make("POST", "/api/x", h)), 403);
  h["origin"] = "http://127.0.0.1:3001";
  EXPECT_EQ(StatusOf(Make("POST", "/api/x", h)), 403);
  h["origin"] = "null";
  EXPECT_EQ(StatusOf(Make("PUT", "/api/x", h)), 403);
  // A GET is not state-changing, but the WebSocket upgrade is checked.
  EXPECT_EQ(StatusOf(Make("GET", "/api/x", {{"host", "localhost"}, {"origin", "http://e"}})), 0);
  EXPECT_EQ(StatusOf(Make("GET", "/ws", {{"host", "localhost"}, {"origin", "http://e"}}), {}, true),
            403);
}

TEST(Guard, TokenWhenConfigured) {
  GuardPolicy p;
  p.auth_token = "s3cret";
  EXPECT_EQ(StatusOf(Make("GET", "/api/health", {{"host", "localhost"}}), p), 401);
  EXPECT_EQ(StatusOf(Make("GET", "/api/health",
                          {{"host", "localhost"}, {"authorization", "Bearer s3cret"}}),
                     p),
            0);
  EXPECT_EQ(StatusOf(Make("GET", "/api/health",
                          {{"host", "localhost"}, {"authorization", "Bearer s3cre"}}),
                     p),
            401);
  EXPECT_EQ(StatusOf(Make("GET", "/api/health",
                          {{"host", "localhost"}, {"cookie", "a=b; claudescope_token=s3cret"}}),
                     p),
            0);
  Request login = Make("GET", "/", {{"host", "localhost"}});
  login.query["token"] = "s3cret";
  EXPECT_EQ(StatusOf(login, p), 0);
  Request elsewhere = Make("GET", "/api/health", {{"host", "localhost"}});
  elsewhere.query["token"] = "s3cret";
  EXPECT_EQ(StatusOf(elsewhere, p), 401);
  // The Host check still comes first.
  EXPECT_EQ(StatusOf(Make("GET", "/", {{"host", "evil"}, {"authorization", "Bearer s3cret"}}), p),
            403);

  Response r = ServeStatic(login, p);
  EXPECT_EQ(r.status, 303);
  bool cookie = false;
  for (auto& [k, v] : r.headers) {
    if (k == "Set-Cookie") cookie = v.find("HttpOnly") != std::string::npos;
  }
  EXPECT_TRUE(cookie);
}

TEST(Guard, StartupAndHelpers) {
  EXPECT_EQ(StartupError("127.0.0.1", {}), "");
  EXPECT_EQ(StartupError("::1", {}), "");
  EXPECT_NE(StartupError("0.0.0.0", {}), "");
  GuardPolicy p;
  p.auth_token = "t";
  EXPECT_EQ(StartupError("0.0.0.0", p), "");
  EXPECT_EQ(CookieValue("x=1; claudescope_token=\"abc\" ; y=2", "claudescope_token"), "abc");
  EXPECT_EQ(CookieValue("x=1", "claudescope_token"), "");
  EXPECT_EQ(BodyLimitFor("POST", "/api/hooks"), kHookBodyLimit);
  EXPECT_EQ(BodyLimitFor("POST", "/api/budgets"), kBodyLimit);
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace cs

#include "server/router.h"

#include <gtest/gtest.h>

#include "server/test_context.h"

namespace cs {
namespace {

using test::NullContext;

Response Call(const Router& r, std::string method, std::string path) {
  NullContext ctx;
  Request req;
  req.method = std::move(method);
  req.path = std::move(path);
  return r.Dispatch(req, ctx);
}

Router Make() {
  Router r;
  r.Add("GET", "/api/budgets/status", [](const Request&, ServerContext&) {
    return Response::Json({{"route", "status"}});
  });
  r.Add("PUT", "/api/budgets/{id}", [](const Request& q, ServerContext&) {
    return Response::Json({{"id", q.path_params.at("id")}});
  });
  r.Add("DELETE", "/api/budgets/{id}",
        [](const Request&, ServerContext&) { return Response::Empty(204); });
  r.Add("GET", "/api/sessions/{id}/timeline", [](const Request& q, ServerContext&) {
    return Response::Json({{"id", q.path_params.at("id")}});
  });
  r.Add("GET", "/api/bad", [](const Request&, ServerContext&) -> Response {
    throw RequestError::BadParam("limit", "limit must be a non-negative integer");
  });
  r.Add("GET", "/api/boom", [](const Request&, ServerContext&) -> Response {
    throw std::runtime_error("SELECT secret FROM /home/me/db");
  });
  return r;
}

TEST(Router, MatchesParamsAndPrefersLiterals) {
  Router r = Make();
  EXPECT_EQ(Call(r, "GET", "/api/budgets/status").body, R"({"route":"status"})");
  EXPECT_EQ(Call(r, "PUT", "/api/budgets/7").body, R"({"id":"7"})");
  EXPECT_EQ(Call(r, "GET", "/api/sessions/abc/timeline").body, R"({"id":"abc"})");
  EXPECT_EQ(Call(r, "GET", "/api/sessions/abc/timeline/").body, R"({"id":"abc"})");
}

TEST(Router, UnknownAndWrongMethod) {
  Router r = Make();
  Response nf = Call(r, "GET", "/api/nope");
  EXPECT_EQ(nf.status, 404);
  EXPECT_NE(nf.body.find("\"error\""), std::string::npos);
  EXPECT_EQ(Call(r, "GET", "/metrics").status, 404);
  EXPECT_EQ(Call(r, "GET", "/some/page").status, 0);  // static assets decide

  Response m = Call(r, "GET", "/api/budgets/7");
  EXPECT_EQ(m.status, 405);
  ASSERT_EQ(m.headers.size(), 1u);
  EXPECT_EQ(m.headers[0].first, "Allow");
  EXPECT_EQ(m.headers[0].second, "DELETE, PUT");
}

TEST(Router, ErrorsBecomeJson) {
  Router r = Make();
  Response bad = Call(r, "GET", "/api/bad");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, R"({"error":"limit must be a non-negative integer","field":"limit"})");
  Response boom = Call(r, "GET", "/api/boom");
  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(boom.body, R"({"error":"internal error"})");
}

}  // namespace
}  // namespace cs

// Budget endpoints: GET/POST /api/budgets, PUT/DELETE /api/budgets/{id},
// GET /api/budgets/status. Validation and queries live in store/budgets.h.
#include "server/params.h"
#include "server/router.h"
#include "store/budgets.h"

namespace cs {

namespace {

nlohmann::json BodyOf(const Request& req) {
  auto body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) throw RequestError::BadParam("body", "the body must be valid JSON");
  return body;
}

// A path id that is not a positive integer names no budget: 404, like an unknown number.
int64_t IdOf(const Request& req) {
  const std::string& raw = req.path_params.at("id");
  auto id = ParseInt64(raw);
  if (!id || *id <= 0) throw RequestError::NotFound("no budget with id " + raw);
  return *id;
}

Response List(const Request&, ServerContext& ctx) {
  auto db = ctx.Reader();
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& b : ListBudgets(*db))
    list.push_back(BudgetJson(b));
  return Ok({{"budgets", std::move(list)}});
}

Response Create(const Request& req, ServerContext& ctx) {
  BudgetInput in = ParseBudgetBody(BodyOf(req));
  Budget b;
  ctx.Write([&](Db& db) { b = CreateBudget(db, in, NowMs()); });
  return Ok(BudgetJson(b), 201);
}

Response Replace(const Request& req, ServerContext& ctx) {
  int64_t id = IdOf(req);
  BudgetInput in = ParseBudgetBody(BodyOf(req));
  Budget b;
  ctx.Write([&](Db& db) { b = UpdateBudget(db, id, in, NowMs()); });
  return Ok(BudgetJson(b));
}

Response Remove(const Request& req, ServerContext& ctx) {
  int64_t id = IdOf(req);
  ctx.Write([&](Db& db) { DeleteBudget(db, id); });
  return Response::Empty(204);
}

Response Status(const Request& req, ServerContext& ctx) {
  auto config = ctx.config();
  TimeZone tz = ParseTz(req, config->tz);
  auto db = ctx.Reader();
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& s : AllBudgetStatuses(*db, tz, NowMs()))
    list.push_back(BudgetStatusJson(s));
  return Ok({{"budgets", std::move(list)}});
}

}  // namespace

void RegisterBudgetRoutes(Router& r) {
  r.Add("GET", "/api/budgets", List);
  r.Add("POST", "/api/budgets", Create);
  r.Add("GET", "/api/budgets/status", Status);
  r.Add("PUT", "/api/budgets/{id}", Replace);
  r.Add("DELETE", "/api/budgets/{id}", Remove);
}

}  // namespace cs

// GET /api/config and POST /api/config (a JSON merge patch of the configuration document).
// The auth token never leaves the server: it is shown as "***", and a patch that sends "***"
// back (a UI saving the document it was given) keeps the current token.
#include "server/router.h"

namespace cs {

namespace {

constexpr const char* kMasked = "***";

nlohmann::json Masked(nlohmann::json doc) {
  if (doc.is_object() && doc.contains("server") && doc["server"].is_object()) {
    auto& server = doc["server"];
    auto it = server.find("auth_token");
    if (it != server.end() && it->is_string() && !it->get<std::string>().empty()) *it = kMasked;
  }
  return doc;
}

Response Get(const Request&, ServerContext& ctx) {
  return Response::Json(Masked(ctx.config()->doc));
}

Response Post(const Request& req, ServerContext& ctx) {
  auto patch = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (patch.is_discarded()) throw RequestError::BadParam("body", "the body must be valid JSON");
  if (!patch.is_object()) {
    throw RequestError::BadParam("body", "the body must be a JSON object (a merge patch)");
  }
  if (patch.contains("server") && patch["server"].is_object()) {
    auto& server = patch["server"];
    auto it = server.find("auth_token");
    if (it != server.end() && *it == kMasked) server.erase(it);
  }
  auto current = ctx.config();
  std::string error, field;
  auto next = current->Patched(patch, &error, &field);
  if (!next) throw RequestError::BadParam(field.empty() ? "body" : field, error);
  ctx.ApplyConfig(*next);
  return Response::Json(Masked(ctx.config()->doc));
}

}  // namespace

void RegisterConfigRoutes(Router& r) {
  r.Add("GET", "/api/config", Get);
  r.Add("POST", "/api/config", Post);
}

}  // namespace cs

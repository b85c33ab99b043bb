// POST /api/hooks: the target of Claude Code `http` hooks. Always answers 200 with an empty
// body, whatever happens, so that a hook can never block or disturb Claude Code; the event is
// stored and published like one from `claudescope hook`.
#include <spdlog/spdlog.h>

#include "core/time.h"
#include "ingest/hook_events.h"
#include "server/router.h"

namespace cs {

void RegisterHookRoutes(Router& r) {
  r.Add("POST", "/api/hooks", [](const Request& req, ServerContext& ctx) {
    try {
      std::vector<nlohmann::json> events;
      std::vector<ReceivedHookEvent> batch{{req.body, NowMs()}};
      ctx.Write([&](Db& db) { events = ApplyHookEvents(db, batch); });
      for (const auto& e : events)
        ctx.Publish(e);
    } catch (const std::exception& e) {
      spdlog::warn("POST /api/hooks: event not stored: {}", e.what());
    }
    return Response::Empty(200);
  });
}

}  // namespace cs

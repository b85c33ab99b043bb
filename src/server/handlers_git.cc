// POST /api/git-sync[?session_id=]: starts a git sync (git/git_sync.h) in the background and
// answers 202 at once; GitSyncComplete on /ws reports the result.
//
// One sync at a time per process: a request while one runs answers 202 "already_syncing". The
// sync runs on a detached thread with a write connection of its own (OpenStore), so the git walk
// never holds the server's shared writer; SQLite's busy timeout serialises its short upsert
// transactions with ingest. The thread captures the ServerContext, which lives as long as
// `serve` (a sync still running at shutdown ends with the process).
#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

#include "git/git_sync.h"
#include "server/params.h"
#include "server/router.h"
#include "store/schema.h"

namespace cs {

namespace {

std::atomic<bool> g_syncing{false};

Response Sync(const Request& req, ServerContext& ctx) {
  GitSyncOptions opts;
  opts.session_id = OptionalParam(req, "session_id");
  if (opts.session_id) {
    auto db = ctx.Reader();
    Stmt q(*db, "SELECT 1 FROM sessions WHERE id = ?1");
    q.Bind(1, *opts.session_id);
    if (!q.Step()) throw RequestError::NotFound("session " + *opts.session_id + " not found");
  }
  if (g_syncing.exchange(true)) return Response::Json({{"status", "already_syncing"}}, 202);
  std::string db_path = ctx.db_path();
  ServerContext* context = &ctx;
  try {
    std::thread([context, db_path, opts] {
      nlohmann::json event = {{"hook_event_name", "GitSyncComplete"}};
      try {
        auto db = OpenStore(db_path);
        GitSyncResult r = SyncGitCommits(*db, opts);
        event["repos"] = r.repos;
        event["commits"] = r.commits;
        event["skipped"] = r.ToJson()["skipped"];
        event["errors"] = r.errors;
        spdlog::info("git-sync: {} commit(s) linked in {} repositories", r.commits, r.repos);
      } catch (const std::exception& e) {
        spdlog::error("git-sync failed: {}", e.what());
        event["repos"] = 0;
        event["commits"] = 0;
        event["skipped"] = nlohmann::json::array();
        event["errors"] = {"the sync failed; see the server log"};
      }
      if (opts.session_id) event["session_id"] = *opts.session_id;
      event["timestamp"] = FormatTimestamp(NowMs());
      g_syncing = false;
      context->Publish(event);
    }).detach();
  } catch (...) {
    g_syncing = false;
    throw;
  }
  return Response::Json({{"status", "syncing"}}, 202);
}

}  // namespace

void RegisterGitRoutes(Router& r) {
  r.Add("POST", "/api/git-sync", Sync);
}

}  // namespace cs

// Meta endpoints: health, filter lists (projects, models, tags) and Prometheus metrics.
#include <fmt/format.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "core/time.h"
#include "ingest/settings_installer.h"
#include "server/metrics.h"
#include "server/router.h"
#include "store/schema.h"

namespace cs {

namespace {

constexpr const char* kVersion = "0.1.0";

// Whether Claude Code's settings.json (of the user the server runs as) holds claudescope's
// hooks, read on every request (a small file: an install or uninstall shows at once), and the
// last hook event the store received (the newest row: O(1) by its rowid).
nlohmann::json HooksJson(Db& db) {
  const std::string path = ClaudeSettingsPath();
  HookInstallState st = ReadHookInstallState(path);
  nlohmann::json last = nullptr;
  Stmt ev(db, "SELECT event, timestamp FROM hook_events ORDER BY id DESC LIMIT 1");
  if (ev.Step()) last = {{"event", ev.Text(0)}, {"at", FormatTimestamp(ev.Int(1))}};
  return {{"settings_path", path},
          {"settings_exists", st.settings_exists},
          {"installed", st.missing.empty()},
          {"events", st.installed},
          {"missing", st.missing},
          {"command_handlers", st.command_handlers},
          {"http_handlers", st.http_handlers},
          {"error", st.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(st.error)},
          {"last_event", last}};
}

Response Health(const Request&, ServerContext& ctx) {
  auto db = ctx.Reader();
  Stmt st(*db, "SELECT count(*), coalesce(sum(offset),0), coalesce(sum(skipped),0) FROM files");
  st.Step();
  nlohmann::json ingest = {{"files", st.Int(0)},
                           {"bytes", st.Int(1)},
                           {"lag_ms", ctx.IngestLagMs(NowMs())},
                           {"errors", st.Int(2)}};
  return Response::Json({{"status", "ok"},
                         {"version", kVersion},
                         {"db_path", ctx.db_path()},
                         {"ingest", ingest},
                         {"hooks", HooksJson(*db)}});
}

Response Projects(const Request&, ServerContext& ctx) {
  auto db = ctx.Reader();
  Stmt st(*db,
          "SELECT project_path, max(project_name), count(*) FROM sessions "
          "GROUP BY project_path ORDER BY project_path");
  nlohmann::json list = nlohmann::json::array();
  while (st.Step()) {
    list.push_back({{"path", st.Text(0)}, {"name", st.Text(1)}, {"sessions", st.Int(2)}});
  }
  return Response::Json({{"projects", list}});
}

Response Models(const Request&, ServerContext& ctx) {
  auto db = ctx.Reader();
  // The rollup counts each counted response once under its model (API errors are not in it),
  // so this equals counting the response rows without scanning them. Summed here rather than
  // with GROUP BY, which sorted every rollup row first; std::map's order is SQLite's binary
  // order.
  Stmt st(*db, "SELECT model, assistant_messages FROM model_rollup");
  std::map<std::string, int64_t, std::less<>> sums;
  while (st.Step()) {
    std::string_view model = st.TextView(0);
    auto it = sums.find(model);
    if (it == sums.end()) it = sums.emplace(std::string(model), 0).first;
    it->second += st.Int(1);
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [model, messages] : sums) {
    if (messages > 0) list.push_back({{"name", model}, {"messages", messages}});
  }
  return Response::Json({{"models", list}});
}

Response Tags(const Request&, ServerContext& ctx) {
  auto db = ctx.Reader();
  Stmt st(*db, "SELECT tag, count(*) AS n FROM session_tags GROUP BY tag ORDER BY n DESC, tag");
  nlohmann::json list = nlohmann::json::array();
  while (st.Step())
    list.push_back({{"tag", st.Text(0)}, {"count", st.Int(1)}});
  return Response::Json({{"tags", list}});
}

Response Metrics(const Request&, ServerContext& ctx) {
  auto db = ctx.Reader();
  Stmt st(*db,
          "SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM messages), "
          "(SELECT coalesce(sum(cost_usd),0) FROM sessions), (SELECT count(*) FROM files), "
          "(SELECT coalesce(sum(skipped),0) FROM files)");
  st.Step();
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help, const std::string& v) {
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, v);
  };
  metric("claudescope_sessions_total", "gauge", "Sessions in the database.",
         std::to_string(st.Int(0)));
  metric("claudescope_messages_total", "gauge", "Messages in the database.",
         std::to_string(st.Int(1)));
  metric("claudescope_cost_usd_total", "gauge", "Estimated cost of all sessions in USD.",
         fmt::format("{:.6f}", st.Real(2)));
  metric("claudescope_ingest_files", "gauge", "Transcript files tracked by the ingestor.",
         std::to_string(st.Int(3)));
  metric("claudescope_ingest_skipped_lines_total", "counter", "Transcript lines skipped.",
         std::to_string(st.Int(4)));
  out +=
      "# HELP claudescope_http_requests_total HTTP responses sent, by status code.\n"
      "# TYPE claudescope_http_requests_total counter\n";
  for (const auto& [code, n] : GlobalHttpMetrics().ResponsesByCode()) {
    out += fmt::format("claudescope_http_requests_total{{code=\"{}\"}} {}\n", code, n);
  }
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = std::move(out);
  return r;
}

}  // namespace

void RegisterMetaRoutes(Router& r) {
  r.Add("GET", "/api/health", Health);
  r.Add("GET", "/api/projects", Projects);
  r.Add("GET", "/api/models", Models);
  r.Add("GET", "/api/tags", Tags);
  r.Add("GET", "/metrics", Metrics);
}

}  // namespace cs

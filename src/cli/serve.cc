// `claudescope serve`: the HTTP API, the dashboard and (through live_hooks.h) live ingest, until
// SIGINT or SIGTERM.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cli/common.h"
#include "cli/live_hooks.h"
#include "server/app_context.h"
#include "server/guard.h"
#include "server/http_server.h"
#include "server/params.h"
#include "server/router.h"
#include "server/ws_hub.h"
#include "store/schema.h"

extern char** environ;

namespace cs {

namespace {

struct ServeOptions {
  CommonOptions common;
  std::string host;  // empty: config server.host
  int port = -1;     // -1: config server.port
  bool no_browser = false;
};

std::chrono::milliseconds EnvMs(const char* name, std::chrono::milliseconds def) {
  const char* v = std::getenv(name);
  if (!v) return def;
  auto n = ParseInt64(v);
  return n && *n > 0 ? std::chrono::milliseconds(*n) : def;
}

void OpenBrowser(const std::string& url) {
  if (!std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) return;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::string prog = "xdg-open";
  char* argv[] = {prog.data(), const_cast<char*>(url.c_str()), nullptr};
  pid_t pid;
  if (posix_spawnp(&pid, "xdg-open", &fa, nullptr, argv, environ) == 0) {
    // Reap it so that it does not linger as a zombie for the server's lifetime.
    std::thread([pid] { ::waitpid(pid, nullptr, 0); }).detach();
  }
  posix_spawn_file_actions_destroy(&fa);
}

Router BuildRouter() {
  Router r;
  for (auto reg :
       {RegisterSessionRoutes, RegisterMessageRoutes, RegisterStatsRoutes, RegisterSearchRoutes,
        RegisterMetaRoutes, RegisterConfigRoutes, RegisterHookRoutes, RegisterBudgetRoutes,
        RegisterExportRoutes, RegisterGitRoutes}) {
    reg(r);
  }
  return r;
}

int RunServe(const ServeOptions& o) {
  auto cfg = LoadConfigOrReport();
  if (!cfg) return 1;
  HttpServerOptions opts;
  opts.host = o.host.empty() ? cfg->host : o.host;
  opts.port = static_cast<uint16_t>(o.port >= 0 ? o.port : cfg->port);
  opts.guard.allowed_hosts = cfg->allowed_hosts;
  opts.guard.auth_token = cfg->auth_token;
  opts.header_timeout = EnvMs("CLAUDESCOPE_HEADER_TIMEOUT_MS", opts.header_timeout);
  opts.idle_timeout = EnvMs("CLAUDESCOPE_IDLE_TIMEOUT_MS", opts.idle_timeout);
  // Checked before touching the database so that the refusal is the only effect.
  if (std::string err = StartupError(opts.host, opts.guard); !err.empty()) {
    std::fprintf(stderr, "claudescope serve: %s\n", err.c_str());
    return 1;
  }

  std::string db_path = o.common.DbPath();
  AppContext ctx(db_path, OpenStore(db_path), *cfg, Paths::Resolve().config);
  Router router = BuildRouter();
  WsHubOptions ws_opts = WsHubOptions::FromEnv();
  ws_opts.max_field_bytes = [&ctx] { return std::size_t(ctx.config()->ws_max_field_bytes); };
  WsHub hub(ws_opts);  // before the server: outlives it
  ctx.SetEventSink([&hub](const nlohmann::json& event) { hub.Broadcast(event); });
  HttpServer server(opts, router, ctx);
  // The hub closes its clients while the io threads still run (see HttpServer::Stop).
  server.SetWebSocketHandler(hub.Handler(), [&hub] { hub.Stop(); });
  server.Start();
  auto live = StartLiveIngest(LiveIngestContext{db_path, ctx.config(), &ctx});

  std::string host = opts.host.find(':') != std::string::npos && opts.host.front() != '['
                         ? "[" + opts.host + "]"
                         : opts.host;
  std::string url = "http://" + host + ":" + std::to_string(server.port());
  std::printf("claudescope listening on %s\n", url.c_str());
  std::fflush(stdout);
  if (!o.no_browser) OpenBrowser(url);

  server.WaitForSignal();
  hub.Stop();
  if (live) live->Stop();
  return 0;
}

}  // namespace

void RegisterServe(CLI::App& root, int* exit_code) {
  auto o = std::make_shared<ServeOptions>();
  auto* c = root.add_subcommand("serve", "Run the dashboard and the HTTP API");
  o->common.Add(c);
  c->add_option("--host", o->host, "Address to listen on (default: config server.host)");
  c->add_option("--port", o->port, "Port (default: config server.port; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  c->add_flag("--no-browser", o->no_browser, "Do not open the dashboard in a browser");
  c->callback([o, exit_code] {
    try {
      *exit_code = RunServe(*o);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "claudescope serve: %s\n", e.what());
      *exit_code = 1;
    }
  });
}

}  // namespace cs

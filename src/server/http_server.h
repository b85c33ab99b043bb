// HttpServer: the asynchronous HTTP/1.1 listener (Boost.Beast) behind `claudescope serve`.
// It applies the guard (guard.h), hands /api/* and /metrics to the Router, serves the
// embedded dashboard for every other path, and passes WebSocket upgrades of /ws to a handler.
//
// Contract:
// - Start() binds and listens (throws std::runtime_error with a readable message when it
//   cannot), then serves on its own threads: `io_threads` run the sockets, `worker_threads`
//   run handlers (handlers may block on SQLite or stream for a long time without stalling
//   other connections). The Router and ServerContext must outlive the server.
// - Limits: header read timeout, idle keep-alive timeout, body limits (guard.h), a connection
//   cap beyond which new connections get 503 and are closed.
// - Stop() (or the signal in WaitForSignal) stops accepting, closes idle connections, lets
//   in-flight requests finish (up to `shutdown_grace`, then closes what is left) and joins all
//   threads. Safe to call more than once; the destructor calls it.
// - GET /api/* answers are cached while ServerContext::StateVersion() is unchanged
//   (response_cache.h); a context that returns nullopt is never cached.
// - WebSocket extension point: SetWebSocketHandler (before Start). When a request for /ws
//   asks for an upgrade and passes the guard (Host, token, Origin), the server gives up the
//   connection: the handler receives a WsUpgrade (ws_upgrade.h: the socket, bound to a strand
//   of the server's io_context, and the parsed request, ready for websocket::stream::
//   async_accept(request)). It runs on an io thread and must not block. Without a handler, /ws
//   answers 404. Those sockets live on the server's io_context, so Stop() calls `close_all`
//   (while the io threads still run) and the hub must then close every connection it holds;
//   the io_context is stopped once the HTTP connections are done, and destroyed with the
//   server, so no WebSocket may outlive it.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/guard.h"
#include "server/http.h"
#include "server/response_cache.h"

namespace cs {

class Router;
namespace detail {
struct HttpServerImpl;
}
struct WsUpgrade;  // ws_upgrade.h (Beast types, kept out of this header)
using WsUpgradeHandler = std::function<void(std::unique_ptr<WsUpgrade>)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 3000;         // 0: any free port (see HttpServer::port())
  unsigned io_threads = 0;      // 0: one per core
  unsigned worker_threads = 0;  // 0: two per core, at least 4
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds body_timeout{60'000};  // reading a body / writing a response
  std::chrono::milliseconds shutdown_grace{30'000};
  std::size_t max_connections = 512;
  GuardPolicy guard;
  // Repeated read-only API requests answered from memory (response_cache.h).
  bool response_cache = true;
  ResponseCacheOptions cache;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, const Router& router, ServerContext& ctx);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void SetWebSocketHandler(WsUpgradeHandler handler, std::function<void()> close_all = {});
  void Start();
  // The bound port (the real one when options.port was 0). Valid after Start().
  uint16_t port() const;
  void Stop();
  // Blocks until SIGINT or SIGTERM, then Stop()s.
  void WaitForSignal();

 private:
  std::shared_ptr<detail::HttpServerImpl> impl_;
};

}  // namespace cs

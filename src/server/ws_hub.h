// WsHub: the WebSocket endpoint GET /ws (api-contract section 4). The HTTP server hands over
// upgrades (HttpServer::SetWebSocketHandler -> Accept); events published by the server
// (AppContext::SetEventSink -> Broadcast) go to every client whose filters match, as one JSON
// text frame per event.
//
// Contract:
// - Broadcast() is thread-safe, never blocks on a client: it prepares and serialises the event
//   once (PrepareEvent), then only posts the shared frame to each matching client's strand.
// - Per client: filters from the upgrade query (?session_id=, ?events=A,B), a bounded send
//   queue (max_queue_frames / max_queue_bytes; a client over its bound is disconnected), pings
//   every ping_interval and a disconnect after 2 intervals without any incoming data (pong).
//   Client data frames are read and ignored (a message over 4 KiB closes the connection).
// - Stop() closes every client (a close frame when the io_context still runs, else the sockets
//   go with it) and refuses later upgrades; safe to call more than once and from any thread.
//   The destructor calls it. Clients share the hub's state, so destruction order with the
//   HttpServer does not matter.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "server/http.h"
#include "server/http_server.h"  // WsUpgradeHandler

namespace cs {

struct WsUpgrade;  // ws_upgrade.h (Beast types, kept out of this header)
namespace detail {
struct WsHubImpl;
}

// ---- Pure parts (unit-tested) ----

// The longest prefix of `s` of at most `max_bytes` bytes that does not end inside a UTF-8
// sequence (a cut never leaves a partial character).
std::string_view Utf8Prefix(std::string_view s, std::size_t max_bytes);

// Cuts every string value longer than `max_bytes` (recursively through objects and arrays)
// on a UTF-8 boundary. Returns whether anything was cut. `max_bytes` 0 means no limit.
bool TruncateStrings(nlohmann::json& j, std::size_t max_bytes);

// What goes on the wire for `event`: an object with hook_event_name (from "hook_event_name",
// else "type", else "Unknown"), session_id when known, timestamp (kept when the event has a
// string one, else `now_ms` as RFC 3339 with milliseconds), long strings cut to
// `max_field_bytes` (except those three top-level keys) and "truncated": true when anything was
// cut. A non-object event is wrapped as {"hook_event_name":"Unknown","data":event}.
nlohmann::json PrepareEvent(const nlohmann::json& event, std::size_t max_field_bytes,
                            int64_t now_ms);

// Per-client filter from the upgrade's query string.
struct WsFilter {
  std::string session_id;                         // empty: every session
  std::set<std::string> events;                   // empty: every hook_event_name
  static WsFilter FromQuery(const Request& req);  // ?session_id=, ?events=A,B (trimmed)
  // A session filter passes only events of that session (events without one are left out).
  bool Matches(std::string_view hook_event_name, std::string_view session_id) const;
};

// ---- The hub ----

struct WsHubOptions {
  // Read for every event, so that a config change applies at once. Null: 4096.
  std::function<std::size_t()> max_field_bytes;
  std::size_t max_queue_frames = 1024;
  std::size_t max_queue_bytes = 8u << 20;
  std::chrono::milliseconds ping_interval{30'000};
  std::chrono::milliseconds handshake_timeout{10'000};
  std::size_t max_clients = 256;  // beyond: 503
  // Ping interval from env CLAUDESCOPE_WS_PING_MS (tests), else the default above.
  static WsHubOptions FromEnv();
};

class WsHub {
 public:
  explicit WsHub(WsHubOptions options = {});
  ~WsHub();
  WsHub(const WsHub&) = delete;
  WsHub& operator=(const WsHub&) = delete;

  // The HttpServer's WebSocket handler: completes the handshake (the guard already ran).
  void Accept(std::unique_ptr<WsUpgrade>&& upgrade);
  // Accept as a handler for HttpServer::SetWebSocketHandler (usable where WsUpgrade is
  // incomplete). The hub must outlive the server's use of it.
  WsUpgradeHandler Handler();
  // Any thread. Never blocks on a client.
  void Broadcast(const nlohmann::json& event);
  void Stop();
  // Clients currently registered (handshake done or in progress).
  std::size_t client_count() const;

 private:
  std::shared_ptr<detail::WsHubImpl> impl_;
};

}  // namespace cs

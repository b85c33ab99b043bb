// Request, Response and ServerContext: what every HTTP handler sees.
//
// Handlers are plain functions Response(const Request&, ServerContext&), run on the server's
// thread pool; they may throw RequestError (answered as JSON 4xx) and must not throw anything
// else on purpose (anything else is logged and answered as a bare 500). Handlers never see
// Beast types, so handler files compile quickly.
#pragma once
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/errors.h"
#include "store/db.h"

namespace cs {

struct Request {
  std::string method;                              // "GET", "POST", ...
  std::string path;                                // decoded path, without the query string
  std::map<std::string, std::string> query;        // decoded; a repeated key keeps the last
  std::map<std::string, std::string> path_params;  // {id} in the route pattern
  std::map<std::string, std::string> headers;      // lower-case names
  std::string body;

  const std::string* Query(const std::string& key) const {
    auto it = query.find(key);
    return it == query.end() ? nullptr : &it->second;
  }
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Streamed body (export): when set, `body` is ignored and the server sends chunked transfer
  // encoding, calling `stream` with a writer; the writer returns false once the client is
  // gone, and `stream` must then stop. Runs on a pool thread.
  using ChunkWriter = std::function<bool(std::string_view)>;
  std::function<void(const ChunkWriter&)> stream;

  static Response Json(const nlohmann::json& j, int status = 200) {
    Response r;
    r.status = status;
    r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
  }
  static Response Error(int status, const std::string& message, const std::string& field = "") {
    nlohmann::json j = {{"error", message}};
    if (!field.empty()) j["field"] = field;
    return Json(j, status);
  }
  static Response Empty(int status) {
    Response r;
    r.status = status;
    r.content_type.clear();
    return r;
  }
};

// A 200 (or `status`) answer with an ordered_json body: keys keep the order the handler built
// them in, as documented in docs/api.md.
inline Response Ok(const nlohmann::ordered_json& j, int status = 200) {
  Response r;
  r.status = status;
  r.body = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return r;
}

// What handlers may use. Implemented by the server; thread-safe.
class ServerContext {
 public:
  virtual ~ServerContext() = default;
  // A read-only connection for this request (returned to the pool by the lease's destructor).
  virtual std::shared_ptr<Db> Reader() = 0;
  // Runs `fn` with the write connection, serialised with every other writer.
  virtual void Write(const std::function<void(Db&)>& fn) = 0;
  // The configuration in force (a snapshot; replaced atomically by POST /api/config).
  virtual std::shared_ptr<const Config> config() = 0;
  // Validates, saves and applies a new configuration; recomputes costs when prices changed.
  virtual void ApplyConfig(const Config& next) = 0;
  virtual const std::string& db_path() const = 0;
  // Publishes a server event (SessionUpdate, BudgetWarning, GitSyncComplete, ...) to /ws.
  virtual void Publish(const nlohmann::json& event) = 0;
  // A number that changes whenever the store (a commit by any connection) or the configuration
  // changed, for the response cache; nullopt turns the cache off.
  virtual std::optional<uint64_t> StateVersion() { return std::nullopt; }

  // How far the live ingest is behind, for GET /api/health: the ingest marks the receive time
  // of the oldest change it is working on (the earliest mark wins) and clears it once everything
  // it took up is stored. 0 when caught up. Thread-safe.
  void MarkIngestBusySince(int64_t epoch_ms) {
    int64_t cur = ingest_busy_since_ms_.load();
    while ((cur == 0 || epoch_ms < cur) &&
           !ingest_busy_since_ms_.compare_exchange_weak(cur, epoch_ms)) {
    }
  }
  void MarkIngestCaughtUp() { ingest_busy_since_ms_.store(0); }
  int64_t IngestLagMs(int64_t now_ms) const {
    int64_t since = ingest_busy_since_ms_.load();
    return since > 0 && now_ms > since ? now_ms - since : 0;
  }

 private:
  std::atomic<int64_t> ingest_busy_since_ms_{0};
};

using Handler = std::function<Response(const Request&, ServerContext&)>;

}  // namespace cs

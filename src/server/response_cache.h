// ResponseCache: answers repeated read-only API requests from memory while the store and the
// configuration are unchanged, so a dashboard polling /api/stats costs one query per change
// instead of one per request.
//
// Contract: thread-safe. Entries are keyed on the request (method, path, decoded query) and
// stamped with the server's state version (ServerContext::StateVersion: it changes with every
// commit by any connection, this process's or another's, and with every config change).
// - A request whose version differs from the entry's is computed anew before it is answered:
//   a write is never hidden.
// - Several requests for the same key and version arriving together share one computation.
// - An entry older than `fresh` but younger than `max_stale`, at the same version, is answered
//   at once and recomputed in the background (`spawn`), because a few endpoints also depend on
//   the clock ("today", active sessions); past `max_stale` it is recomputed before answering.
// - Only complete 200 responses up to `max_entry_bytes` are kept; the whole cache holds at
//   most `max_bytes` of bodies (the least recently used entries go first).
// Errors thrown by the computation reach every request waiting on it; nothing is kept.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "server/http.h"

namespace cs {

struct ResponseCacheOptions {
  std::chrono::milliseconds fresh{10'000};
  std::chrono::milliseconds max_stale{60'000};
  std::size_t max_bytes = 32u << 20;
  std::size_t max_entry_bytes = 2u << 20;
};

class ResponseCache {
 public:
  using Clock = std::chrono::steady_clock;
  using Compute = std::function<Response()>;
  // Runs a task later on another thread (the server's worker pool).
  using Spawn = std::function<void(std::function<void()>)>;

  explicit ResponseCache(ResponseCacheOptions options = {});
  ~ResponseCache();

  // Whether `req` may be answered from the cache: GET of an /api/ resource whose answer
  // depends only on the store, the configuration and the clock.
  static bool Cacheable(const Request& req);
  static std::string KeyOf(const Request& req);

  Response Get(const std::string& key, uint64_t version, const Compute& compute,
               const Spawn& spawn);

  std::size_t bytes() const;
  std::size_t entries() const;

 private:
  struct Entry;
  void Store(const std::string& key, const std::shared_ptr<Entry>& e, uint64_t version,
             const std::shared_ptr<const Response>& res);
  void Refresh(const std::string& key, std::shared_ptr<Entry> e, uint64_t version, Compute compute);
  void EvictLocked();

  ResponseCacheOptions opt_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> map_;
  std::list<std::string> lru_;  // most recently used first
  std::size_t bytes_ = 0;
};

}  // namespace cs

#include "server/response_cache.h"

#include <future>

namespace cs {

struct ResponseCache::Entry {
  // The kept answer (null until one is stored) and the state it was computed for.
  std::shared_ptr<const Response> response;
  uint64_t version = 0;
  Clock::time_point at;
  bool refreshing = false;
  bool in_lru = false;
  std::list<std::string>::iterator lru;
  // A computation in flight for `pending_version`, shared by the requests that wait on it.
  std::shared_future<std::shared_ptr<const Response>> pending;
  uint64_t pending_version = 0;
};

ResponseCache::ResponseCache(ResponseCacheOptions options) : opt_(options) {}

ResponseCache::~ResponseCache() = default;

bool ResponseCache::Cacheable(const Request& req) {
  if (req.method != "GET" || !req.path.starts_with("/api/")) return false;
  // Health reports uptime and hook state read from files; export streams.
  return req.path != "/api/health" && req.path != "/api/export";
}

std::string ResponseCache::KeyOf(const Request& req) {
  // Unit and record separators cannot occur in a decoded path or a parameter name.
  std::string key = req.method + ' ' + req.path;
  for (const auto& [k, v] : req.query) {
    key += '\x1e';
    key += k;
    key += '\x1f';
    key += v;
  }
  return key;
}

Response ResponseCache::Get(const std::string& key, uint64_t version, const Compute& compute,
                            const Spawn& spawn) {
  std::shared_ptr<Entry> e;
  std::promise<std::shared_ptr<const Response>> promise;
  {
    std::unique_lock lock(mu_);
    auto it = map_.find(key);
    if (it != map_.end()) e = it->second;
    if (e && e->response && e->version == version) {
      auto age = Clock::now() - e->at;
      if (age < opt_.max_stale) {
        lru_.splice(lru_.begin(), lru_, e->lru);
        if (age >= opt_.fresh && !e->refreshing) {
          e->refreshing = true;
          spawn([this, key, e, version, compute] { Refresh(key, e, version, compute); });
        }
        return *e->response;
      }
    }
    if (e && e->pending.valid() && e->pending_version == version) {
      auto fut = e->pending;
      lock.unlock();
      return *fut.get();  // rethrows the computation's error
    }
    if (!e) e = map_.emplace(key, std::make_shared<Entry>()).first->second;
    e->pending = promise.get_future().share();
    e->pending_version = version;
  }
  auto done = [&] {
    if (e->pending_version == version) e->pending = {};
    if (!e->response && !e->pending.valid()) {
      auto it = map_.find(key);
      if (it != map_.end() && it->second == e) map_.erase(it);
    }
  };
  std::shared_ptr<const Response> res;
  try {
    res = std::make_shared<const Response>(compute());
  } catch (...) {
    {
      std::lock_guard lock(mu_);
      done();
    }
    promise.set_exception(std::current_exception());
    throw;
  }
  {
    std::lock_guard lock(mu_);
    Store(key, e, version, res);
    done();
  }
  promise.set_value(res);
  return *res;
}

void ResponseCache::Store(const std::string& key, const std::shared_ptr<Entry>& e, uint64_t version,
                          const std::shared_ptr<const Response>& res) {
  if (res->status != 200 || res->stream || res->body.size() > opt_.max_entry_bytes) return;
  if (e->response && e->version > version) return;  // a newer answer is already kept
  auto it = map_.find(key);
  if (it == map_.end() || it->second != e) return;  // evicted meanwhile
  if (e->response) bytes_ -= e->response->body.size();
  e->response = res;
  e->version = version;
  e->at = Clock::now();
  bytes_ += res->body.size();
  if (e->in_lru) {
    lru_.splice(lru_.begin(), lru_, e->lru);
  } else {
    lru_.push_front(key);
    e->lru = lru_.begin();
    e->in_lru = true;
  }
  EvictLocked();
}

void ResponseCache::Refresh(const std::string& key, std::shared_ptr<Entry> e, uint64_t version,
                            Compute compute) {
  std::shared_ptr<const Response> res;
  try {
    res = std::make_shared<const Response>(compute());
  } catch (...) {
    // The next request past max_stale computes it in the foreground and sees the error.
  }
  std::lock_guard lock(mu_);
  e->refreshing = false;
  if (res) Store(key, e, version, res);
}

void ResponseCache::EvictLocked() {
  while (bytes_ > opt_.max_bytes && !lru_.empty()) {
    auto it = map_.find(lru_.back());
    lru_.pop_back();
    if (it == map_.end()) continue;
    auto& e = it->second;
    e->in_lru = false;
    if (e->response) bytes_ -= e->response->body.size();
    e->response.reset();
    if (!e->pending.valid()) map_.erase(it);
  }
}

std::size_t ResponseCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

std::size_t ResponseCache::entries() const {
  std::lock_guard lock(mu_);
  return map_.size();
}

}  // namespace cs

// AppContext: the server's ServerContext (see http.h): the database connections, the
// configuration in force and the event sink behind Publish.
//
// Contract: thread-safe. Owns the write connection (from OpenStore) and a pool of read-only
// connections (OpenReader) that grows on demand and keeps at most `max_idle_readers` idle.
// A Reader() lease may outlive the AppContext (the pool state is shared). Write() holds a
// mutex for the whole call, so fn must not call Write() again. ApplyConfig re-prices stored
// costs (RecomputeCosts) when the price book changed, saves the file, then swaps the snapshot;
// it throws (std::runtime_error, DbError) when either step fails, leaving the config in force
// and the stored costs as they were. StateVersion() falls back to "no caching" (nullopt) when
// its watch connection cannot be opened.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/http.h"

namespace cs {

class AppContext : public ServerContext {
 public:
  using EventSink = std::function<void(const nlohmann::json&)>;

  AppContext(std::string db_path, std::unique_ptr<Db> writer, Config config,
             std::string config_path, std::size_t max_idle_readers = 8);
  ~AppContext() override;

  std::shared_ptr<Db> Reader() override;
  void Write(const std::function<void(Db&)>& fn) override;
  std::shared_ptr<const Config> config() override;
  void ApplyConfig(const Config& next) override;
  const std::string& db_path() const override { return db_path_; }
  void Publish(const nlohmann::json& event) override;
  // Polls `PRAGMA data_version` on a connection of its own (it changes with commits made by
  // every other connection, in this process or not) and counts configuration changes.
  std::optional<uint64_t> StateVersion() override;

  // The WebSocket hub installs its broadcaster here; until then events are dropped.
  void SetEventSink(EventSink sink);

 private:
  struct ReaderPool;
  std::string db_path_;
  std::string config_path_;
  std::shared_ptr<ReaderPool> readers_;
  std::mutex write_mu_;
  std::unique_ptr<Db> writer_;
  std::mutex config_mu_;  // guards config_ (a pointer swap; readers keep their snapshot)
  std::shared_ptr<const Config> config_;
  std::mutex apply_mu_;  // one ApplyConfig at a time, so save order equals swap order
  std::atomic<uint64_t> config_generation_{0};  // bumped by ApplyConfig
  std::mutex version_mu_;                       // guards the five below
  std::unique_ptr<Db> watch_;
  std::unique_ptr<Stmt> data_version_query_;  // on watch_, prepared once
  int64_t data_version_ = -1;
  uint64_t seen_config_generation_ = 0;
  uint64_t state_version_ = 0;
  std::mutex sink_mu_;
  std::shared_ptr<const EventSink> sink_;
};

}  // namespace cs

#include "server/app_context.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

#include "store/recompute.h"
#include "store/schema.h"

namespace cs {

struct AppContext::ReaderPool {
  std::string path;
  std::size_t max_idle;
  std::mutex mu;
  std::vector<std::unique_ptr<Db>> idle;
};

AppContext::AppContext(std::string db_path, std::unique_ptr<Db> writer, Config config,
                       std::string config_path, std::size_t max_idle_readers)
    : db_path_(std::move(db_path)),
      config_path_(std::move(config_path)),
      readers_(std::make_shared<ReaderPool>()),
      writer_(std::move(writer)),
      config_(std::make_shared<const Config>(std::move(config))) {
  readers_->path = db_path_;
  readers_->max_idle = max_idle_readers;
}

AppContext::~AppContext() = default;

std::shared_ptr<Db> AppContext::Reader() {
  std::unique_ptr<Db> db;
  {
    std::lock_guard lock(readers_->mu);
    if (!readers_->idle.empty()) {
      db = std::move(readers_->idle.back());
      readers_->idle.pop_back();
    }
  }
  // Opening outside the lock: it touches the disk and other requests should not wait on it.
  if (!db) db = OpenReader(db_path_);
  std::weak_ptr<ReaderPool> pool = readers_;
  return std::shared_ptr<Db>(db.release(), [pool](Db* raw) {
    std::unique_ptr<Db> owned(raw);
    auto p = pool.lock();
    if (!p) return;
    // A connection left inside a transaction by a throwing handler would pin an old snapshot.
    if (!sqlite3_get_autocommit(owned->raw())) return;
    std::lock_guard lock(p->mu);
    if (p->idle.size() < p->max_idle) p->idle.push_back(std::move(owned));
  });
}

void AppContext::Write(const std::function<void(Db&)>& fn) {
  std::lock_guard lock(write_mu_);
  fn(*writer_);
}

std::shared_ptr<const Config> AppContext::config() {
  std::lock_guard lock(config_mu_);
  return config_;
}

void AppContext::ApplyConfig(const Config& next) {
  std::lock_guard apply_lock(apply_mu_);
  auto prev = config();
  bool reprice =
      prev->doc.value("pricing", nlohmann::json()) != next.doc.value("pricing", nlohmann::json());
  // Under the write lock, so that no ingest batch lands between the re-pricing and the swap
  // priced with the old book.
  std::lock_guard write_lock(write_mu_);
  if (reprice) {
    int64_t changed = RecomputeCosts(*writer_, next.prices);
    spdlog::info("prices changed: {} message cost(s) recomputed", changed);
  }
  std::string error;
  if (!next.Save(config_path_, &error)) {
    if (reprice) {
      try {
        RecomputeCosts(*writer_, prev->prices);
      } catch (const std::exception& e) {
        spdlog::error("restoring costs after a failed config save: {}", e.what());
      }
    }
    throw std::runtime_error("saving the configuration to " + config_path_ + ": " + error);
  }
  auto snapshot = std::make_shared<const Config>(next);
  {
    std::lock_guard lock(config_mu_);
    config_ = std::move(snapshot);
  }
  ++config_generation_;
}

std::optional<uint64_t> AppContext::StateVersion() {
  std::lock_guard lock(version_mu_);
  try {
    if (!watch_) {
      watch_ = OpenReader(db_path_);
      data_version_query_ = std::make_unique<Stmt>(*watch_, "PRAGMA data_version");
    }
    auto& q = *data_version_query_;
    int64_t v = q.Step() ? q.Int(0) : 0;
    q.Reset();
    uint64_t gen = config_generation_.load();
    if (v != data_version_ || gen != seen_config_generation_) {
      data_version_ = v;
      seen_config_generation_ = gen;
      ++state_version_;
    }
    return state_version_;
  } catch (const std::exception& e) {
    spdlog::warn("response cache off: {}", e.what());
    data_version_query_.reset();
    watch_.reset();
    return std::nullopt;
  }
}

void AppContext::Publish(const nlohmann::json& event) {
  std::shared_ptr<const EventSink> sink;
  {
    std::lock_guard lock(sink_mu_);
    sink = sink_;
  }
  if (sink && *sink) (*sink)(event);
}

void AppContext::SetEventSink(EventSink sink) {
  auto p = std::make_shared<const EventSink>(std::move(sink));
  std::lock_guard lock(sink_mu_);
  sink_ = std::move(p);
}

}  // namespace cs

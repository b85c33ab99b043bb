// Live ingest for `claudescope serve` (see live_hooks.h): catches up on every transcript that
// changed while the server was down, replays spooled hook events, then follows transcript
// changes (inotify) and hook events (Unix socket) until Stop(). Every database write goes
// through the server's write connection (ServerContext::Write), in small batches so that API
// writes are never kept waiting long; every change is published to the live stream.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "cli/live_hooks.h"
#include "core/time.h"
#include "ingest/hook_events.h"
#include "ingest/hook_receiver.h"
#include "ingest/ingestor.h"
#include "ingest/transcript_watcher.h"
#include "store/budgets.h"

namespace cs {

namespace {

class LiveIngestLoop : public LiveIngest {
 public:
  explicit LiveIngestLoop(const LiveIngestContext& c)
      : ctx_(c.ctx), roots_(ClaudeProjectDirs(c.config->projects_dirs)), watcher_(roots_) {
    Paths paths = Paths::Resolve();
    receiver_ = std::make_unique<HookReceiver>(paths.hook_socket, [this](std::string json) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        hooks_.push_back({std::move(json), NowMs()});
      }
      watcher_.Wake();
    });
    std::string error;
    if (!receiver_->Start(&error)) {
      spdlog::warn("hook socket unavailable ({}): hook events arrive only by POST /api/hooks",
                   error);
      receiver_.reset();
    }
    spool_dir_ = paths.spool_dir;
    thread_ = std::thread([this] { Run(); });
  }

  ~LiveIngestLoop() override { Stop(); }

  void Stop() override {
    if (stopping_.exchange(true)) return;
    watcher_.Wake();
    if (thread_.joinable()) thread_.join();
    if (receiver_) receiver_->Stop();
  }

 private:
  void Run() {
    try {
      ctx_->MarkIngestBusySince(NowMs());
      CatchUp();
      ReplaySpooled();
      ctx_->MarkIngestCaughtUp();
      while (!stopping_) {
        auto changes = watcher_.Wait(std::chrono::milliseconds(500));
        if (auto w = watcher_.TakeWarning(); !w.empty()) spdlog::warn("{}", w);
        if (stopping_) break;
        if (changes.rescan || !changes.files.empty()) ctx_->MarkIngestBusySince(NowMs());
        if (changes.rescan) {
          CatchUp();
        } else if (!changes.files.empty()) {
          IngestFiles(changes.files);
        }
        ApplyHooks();
        ctx_->MarkIngestCaughtUp();
      }
    } catch (const std::exception& e) {
      spdlog::error("live ingest stopped: {}", e.what());
    }
  }

  // Runs fn with the write connection and an ingestor bound to it (created once).
  template <typename Fn>
  void WithIngestor(Fn fn) {
    ctx_->Write([&](Db& db) {
      auto cfg = ctx_->config();
      if (!ingestor_) ingestor_ = std::make_unique<Ingestor>(db, &cfg->prices);
      ingestor_->set_prices(&cfg->prices);  // the price book may have changed (POST /api/config)
      fn(db, *ingestor_);
      ingestor_->set_prices(nullptr);
    });
  }

  void CatchUp() {
    std::vector<TranscriptFile> files;
    for (const auto& root : roots_) {
      auto found = FindTranscripts(root);
      files.insert(files.end(), found.begin(), found.end());
    }
    // One file per write so that API writes interleave with a long catch-up.
    for (size_t i = 0; i < files.size() && !stopping_; i += 16) {
      std::vector<TranscriptFile> batch(files.begin() + i,
                                        files.begin() + std::min(files.size(), i + 16));
      Ingest(batch);
    }
  }

  void IngestFiles(const std::vector<std::string>& paths) {
    std::vector<TranscriptFile> files;
    for (const auto& p : paths) {
      for (const auto& root : roots_) {
        TranscriptFile f;
        if (p.starts_with(root + "/") && ClassifyTranscript(root, p, &f)) {
          files.push_back(std::move(f));
          break;
        }
      }
    }
    Ingest(files);
  }

  void Ingest(const std::vector<TranscriptFile>& files) {
    if (files.empty()) return;
    std::vector<nlohmann::json> events;
    WithIngestor([&](Db& db, Ingestor& ing) {
      IngestStats stats;
      for (const auto& f : files)
        ing.IngestFile(f, stats);
      ing.Flush(stats);
      auto& touched = stats.sessions_touched;
      std::sort(touched.begin(), touched.end());
      touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
      if (touched.empty()) return;
      ReconcileHookFacts(db, touched);
      Stmt q(db, R"SQL(SELECT input_tokens, output_tokens, cache_read_tokens,
        cache_write_5m_tokens + cache_write_1h_tokens, cost_usd, last_activity_at, message_count,
        project_path FROM sessions WHERE id=?1)SQL");
      std::string now = FormatTimestamp(NowMs());
      for (const auto& id : touched) {
        q.Bind(1, id);
        if (q.Step()) {
          int64_t total = q.Int(0) + q.Int(1) + q.Int(2) + q.Int(3);
          nlohmann::json e = {{"hook_event_name", "SessionUpdate"},
                              {"session_id", id},
                              {"timestamp", now},
                              {"project_path", q.Text(7)},
                              {"input_tokens", q.Int(0)},
                              {"output_tokens", q.Int(1)},
                              {"total_tokens", total},
                              {"tokens", total},
                              {"cost_usd", std::round(q.Real(4) * 1e6) / 1e6},
                              {"message_count", q.Int(6)}};
          e["last_activity_at"] =
              q.IsNull(5) ? nlohmann::json() : nlohmann::json(FormatTimestamp(q.Int(5)));
          events.push_back(std::move(e));
        }
        q.Reset();
      }
      // After the commit: new spend may cross a budget's threshold or amount (once per period).
      try {
        for (auto& e : CheckBudgetAlerts(db, ctx_->config()->tz, NowMs()))
          events.push_back(std::move(e));
      } catch (const std::exception& ex) {
        spdlog::warn("budget alerts: {}", ex.what());
      }
    });
    for (const auto& e : events)
      ctx_->Publish(e);
  }

  void ReplaySpooled() {
    std::vector<ReceivedHookEvent> spooled;
    ReplaySpool(spool_dir_, [&](std::string json) {
      // The hook stamps received_at when it spools; keep that as the event's time.
      int64_t at = NowMs();
      auto j = nlohmann::json::parse(json, nullptr, false);
      if (j.is_object() && j.contains("received_at") && j["received_at"].is_number_integer()) {
        at = j["received_at"].get<int64_t>();
      }
      spooled.push_back({std::move(json), at});
      if (spooled.size() >= 1000) FlushHooks(spooled);
    });
    FlushHooks(spooled);
  }

  void ApplyHooks() {
    std::vector<ReceivedHookEvent> batch;
    {
      std::lock_guard<std::mutex> lock(mu_);
      batch.assign(std::make_move_iterator(hooks_.begin()), std::make_move_iterator(hooks_.end()));
      hooks_.clear();
    }
    if (!batch.empty()) ctx_->MarkIngestBusySince(batch.front().received_ms);
    FlushHooks(batch);
  }

  void FlushHooks(std::vector<ReceivedHookEvent>& batch) {
    if (batch.empty()) return;
    std::vector<nlohmann::json> events;
    ctx_->Write([&](Db& db) { events = ApplyHookEvents(db, batch); });
    batch.clear();
    for (const auto& e : events)
      ctx_->Publish(e);
  }

  ServerContext* ctx_;
  std::vector<std::string> roots_;
  TranscriptWatcher watcher_;
  std::unique_ptr<HookReceiver> receiver_;
  std::string spool_dir_;
  std::unique_ptr<Ingestor> ingestor_;
  std::mutex mu_;
  std::deque<ReceivedHookEvent> hooks_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace

std::unique_ptr<LiveIngest> StartLiveIngest(const LiveIngestContext& context) {
  return std::make_unique<LiveIngestLoop>(context);
}

}  // namespace cs

// TranscriptWatcher: tells the live ingest loop which transcript files changed, using
// inotify on every directory below the roots (new directories are picked up as they appear).
//
// Contract: one owner thread calls Wait(); Wake() may be called from any thread. When inotify
// cannot watch everything (the per-user watch limit, or inotify unavailable) the watcher falls
// back to periodic rescans and says so once through warning(); when a root does not exist yet
// it is looked for again on every rescan tick. Changes::rescan asks the caller to scan the
// roots fully (overflow, new directories, polling mode); Changes::files lists changed files.
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace cs {

class TranscriptWatcher {
 public:
  struct Changes {
    std::vector<std::string> files;
    bool rescan = false;
  };

  explicit TranscriptWatcher(std::vector<std::string> roots,
                             std::chrono::milliseconds poll_interval = std::chrono::seconds(2));
  ~TranscriptWatcher();
  TranscriptWatcher(const TranscriptWatcher&) = delete;
  TranscriptWatcher& operator=(const TranscriptWatcher&) = delete;

  // Waits up to `timeout` for changes (returns early on Wake()).
  Changes Wait(std::chrono::milliseconds timeout);
  void Wake();
  bool polling() const { return polling_; }
  // A warning to show once (empty when none), e.g. the fall-back to polling.
  std::string TakeWarning();

 private:
  void WatchTree(const std::string& dir, Changes* changes);
  void FallBackToPolling(const std::string& why);

  std::vector<std::string> roots_;
  std::chrono::milliseconds poll_interval_;
  int inotify_fd_ = -1, wake_fd_ = -1;
  bool polling_ = false;
  std::chrono::steady_clock::time_point next_poll_;
  std::unordered_map<int, std::string> dirs_;  // watch descriptor -> directory
  std::vector<std::string> missing_roots_;
  std::mutex warning_mu_;
  std::string warning_;
};

}  // namespace cs

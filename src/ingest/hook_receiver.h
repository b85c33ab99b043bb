// HookReceiver: the server end of `claudescope hook` — listens on the Unix socket and hands
// every event (one JSON object, framing in hook_client.h) to a callback. ReplaySpool delivers
// the events hooks spooled while no server was running.
//
// Contract:
// - Start() creates the socket's parent directory (0700, only when missing), removes a stale
//   socket file, refuses (false + *error) when another live server answers on the socket or
//   holds its lock file (<socket>.lock, flock'ed for the receiver's lifetime), binds 0600 and
//   starts the threads: one accepting, `workers` reading. It is called at most once.
// - The callback gets each event as its JSON text (one line, no trailing newline). Calls are
//   serialized (never concurrent, so the callback need not be thread-safe) and run on the
//   receiver's threads: it must be quick (enqueue and return), since the hook waits for the
//   answer the receiver sends after the callback returns. It must not call Stop().
//   Exceptions from it are caught (the event is answered as rejected).
// - Documents larger than Options::max_bytes, not valid JSON objects, or not complete within
//   Options::read_timeout are answered 'R' / dropped and counted, never passed on.
// - Stop() (idempotent, any thread but the callback's) closes the socket, removes the socket
//   file and joins the threads; the destructor calls it.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ingest/hook_client.h"

namespace cs {

using HookEventCallback = std::function<void(std::string json)>;

class HookReceiver {
 public:
  struct Options {
    size_t max_bytes = kMaxHookEventBytes;
    std::chrono::milliseconds read_timeout{5000};
    int workers = 4;
  };
  struct Counters {
    int64_t accepted = 0, rejected = 0;
  };

  HookReceiver(std::string socket_path, HookEventCallback callback);
  HookReceiver(std::string socket_path, HookEventCallback callback, Options options);
  ~HookReceiver();
  HookReceiver(const HookReceiver&) = delete;
  HookReceiver& operator=(const HookReceiver&) = delete;

  bool Start(std::string* error);
  void Stop();
  Counters counters() const;
  const std::string& socket_path() const { return socket_path_; }

 private:
  void AcceptLoop();
  void WorkerLoop();
  void Serve(int fd);

  const std::string socket_path_;
  const HookEventCallback callback_;
  const Options options_;
  int listen_fd_ = -1, lock_fd_ = -1, wake_fd_ = -1;  // wake_fd_: eventfd that Stop() signals
  bool bound_ = false;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<int> queue_;  // accepted connections waiting for a worker
  std::mutex callback_mu_;
  std::atomic<int64_t> accepted_{0}, rejected_{0};
  std::mutex stop_mu_;
};

struct SpoolReplayStats {
  int64_t files = 0, delivered = 0, skipped = 0;
  std::vector<std::string> errors;  // files that could not be read or removed
};

// Delivers every spooled event under `spool_dir` in order (files by name, lines in order) to
// `callback` on the calling thread, then deletes each file once all of it was delivered, so a
// restart never replays it again. Each spool-*.jsonl is first renamed to *.replaying under its
// lock (a hook appending at that moment reopens a fresh file); a *.replaying left by a crash
// is replayed first, before the spool file of the same name, so a crash in the middle of a
// file re-delivers that file's events (at-least-once in that case only). Blank lines are
// ignored; lines that are not valid JSON objects are skipped and counted (a torn last line
// without newline is the expected case). Absent directory: nothing to do. An exception from
// the callback stops the replay, leaving the current file for next time, and propagates.
SpoolReplayStats ReplaySpool(const std::string& spool_dir, const HookEventCallback& callback);

}  // namespace cs

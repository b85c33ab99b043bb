#include "ingest/transcript_watcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace cs {

namespace fs = std::filesystem;

namespace {

constexpr uint32_t kDirMask = IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_ATTRIB |
                              IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

bool Interesting(const std::string& name) {
  return name.ends_with(".jsonl") || name.ends_with(".meta.json");
}

}  // namespace

TranscriptWatcher::TranscriptWatcher(std::vector<std::string> roots,
                                     std::chrono::milliseconds poll_interval)
    : roots_(std::move(roots)), poll_interval_(poll_interval) {
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  next_poll_ = std::chrono::steady_clock::now() + poll_interval_;
  if (inotify_fd_ < 0) {
    FallBackToPolling(std::string("inotify is unavailable: ") + std::strerror(errno));
    return;
  }
  for (const auto& r : roots_) {
    std::error_code ec;
    if (fs::is_directory(r, ec)) {
      WatchTree(r, nullptr);
    } else {
      missing_roots_.push_back(r);
    }
  }
}

TranscriptWatcher::~TranscriptWatcher() {
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void TranscriptWatcher::FallBackToPolling(const std::string& why) {
  if (polling_) return;
  polling_ = true;
  std::lock_guard<std::mutex> lock(warning_mu_);
  warning_ =
      why + "; falling back to a rescan every " + std::to_string(poll_interval_.count()) + " ms";
}

std::string TranscriptWatcher::TakeWarning() {
  std::lock_guard<std::mutex> lock(warning_mu_);
  return std::exchange(warning_, std::string());
}

void TranscriptWatcher::WatchTree(const std::string& dir, Changes* changes) {
  if (polling_) return;
  std::error_code ec;
  std::vector<std::string> stack{dir};
  while (!stack.empty()) {
    std::string d = std::move(stack.back());
    stack.pop_back();
    std::string name = fs::path(d).filename().string();
    if (name == "memory" || name == "tool-results") continue;
    int wd = ::inotify_add_watch(inotify_fd_, d.c_str(), kDirMask);
    if (wd < 0) {
      if (errno == ENOSPC || errno == ENOMEM) {
        FallBackToPolling("inotify watch limit reached (fs.inotify.max_user_watches)");
        return;
      }
      continue;  // vanished or unreadable
    }
    dirs_[wd] = d;
    for (auto it = fs::directory_iterator(d, ec); !ec && it != fs::directory_iterator();
         it.increment(ec)) {
      if (it->is_directory(ec)) {
        stack.push_back(it->path().string());
      } else if (changes && Interesting(it->path().filename().string())) {
        // Files written before the watch existed.
        changes->files.push_back(it->path().string());
      }
    }
  }
}

void TranscriptWatcher::Wake() {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

TranscriptWatcher::Changes TranscriptWatcher::Wait(std::chrono::milliseconds timeout) {
  Changes changes;
  auto now = std::chrono::steady_clock::now();
  if (now >= next_poll_) {
    next_poll_ = now + poll_interval_;
    if (polling_) {
      changes.rescan = true;
      return changes;
    }
    for (auto it = missing_roots_.begin(); it != missing_roots_.end();) {
      std::error_code ec;
      if (fs::is_directory(*it, ec)) {
        WatchTree(*it, &changes);
        changes.rescan = true;
        it = missing_roots_.erase(it);
      } else {
        ++it;
      }
    }
    if (changes.rescan) return changes;
  }
  auto until_poll = std::chrono::duration_cast<std::chrono::milliseconds>(next_poll_ - now) +
                    std::chrono::milliseconds(1);
  int wait_ms = int(std::min(timeout, until_poll).count());
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {inotify_fd_, POLLIN, 0}};
  int n = ::poll(fds, polling_ || inotify_fd_ < 0 ? 1 : 2, wait_ms);
  if (n <= 0) return changes;
  if (fds[0].revents & POLLIN) {
    uint64_t v;
    [[maybe_unused]] ssize_t r = ::read(wake_fd_, &v, sizeof v);
  }
  if (polling_ || inotify_fd_ < 0 || !(fds[1].revents & POLLIN)) return changes;
  alignas(inotify_event) char buf[64 * 1024];
  while (true) {
    ssize_t len = ::read(inotify_fd_, buf, sizeof buf);
    if (len <= 0) break;
    for (char* p = buf; p < buf + len;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {
        changes.rescan = true;
        continue;
      }
      auto dir = dirs_.find(ev->wd);
      if (dir == dirs_.end()) continue;
      if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
        dirs_.erase(dir);
        continue;
      }
      if (ev->len == 0) continue;
      std::string path = dir->second + "/" + ev->name;
      if (ev->mask & IN_ISDIR) {
        if (ev->mask & (IN_CREATE | IN_MOVED_TO)) WatchTree(path, &changes);
      } else if (Interesting(ev->name)) {
        changes.files.push_back(std::move(path));
      }
    }
  }
  std::sort(changes.files.begin(), changes.files.end());
  changes.files.erase(std::unique(changes.files.begin(), changes.files.end()), changes.files.end());
  return changes;
}

}  // namespace cs

#include "ingest/hook_receiver.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/clock.h"
#include "core/errors.h"
#include "core/paths.h"

namespace cs {

namespace {

using Clock = std::chrono::steady_clock;

bool FillAddr(const std::string& path, sockaddr_un* addr, std::string* error) {
  *addr = {};
  addr->sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr->sun_path) {
    *error = "socket path too long for a Unix socket (max " +
             std::to_string(sizeof addr->sun_path - 1) + " bytes): " + path;
    return false;
  }
  std::memcpy(addr->sun_path, path.c_str(), path.size() + 1);
  return true;
}

void SendByte(int fd, char c) {
  (void)::send(fd, &c, 1, MSG_NOSIGNAL);
}

}  // namespace

HookReceiver::HookReceiver(std::string socket_path, HookEventCallback callback)
    : HookReceiver(std::move(socket_path), std::move(callback), Options{}) {}

HookReceiver::HookReceiver(std::string socket_path, HookEventCallback callback, Options options)
    : socket_path_(std::move(socket_path)), callback_(std::move(callback)), options_(options) {}

HookReceiver::~HookReceiver() {
  Stop();
}

bool HookReceiver::Start(std::string* error) {
  sockaddr_un addr;
  if (!FillAddr(socket_path_, &addr, error)) return false;
  auto slash = socket_path_.rfind('/');
  if (slash != std::string::npos && slash > 0 && !MakeDirs(socket_path_.substr(0, slash), error)) {
    return false;
  }
  // The lock makes "is another server here?" race-free between two servers starting at once;
  // the connect probe below also catches a server that predates the lock file.
  const std::string lock_path = socket_path_ + ".lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock_fd_ < 0) {
    *error = ErrnoText("cannot open " + lock_path);
    return false;
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    *error = "another claudescope server is already receiving hooks on " + socket_path_;
    ::close(lock_fd_);
    lock_fd_ = -1;
    return false;
  }
  auto fail = [&](std::string msg) {
    *error = std::move(msg);
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
    ::close(lock_fd_);
    lock_fd_ = -1;
    return false;
  };
  struct stat st {};
  if (::lstat(socket_path_.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) return fail(socket_path_ + " exists and is not a socket");
    int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool live =
        probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (probe >= 0) ::close(probe);
    if (live) return fail("another server is already listening on " + socket_path_);
    if (::unlink(socket_path_.c_str()) != 0 && errno != ENOENT)
      return fail(ErrnoText("cannot remove stale socket " + socket_path_));
  }
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return fail(ErrnoText("socket"));
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return fail(ErrnoText("cannot bind " + socket_path_));
  bound_ = true;
  // The parent directory is 0700 already; this closes the socket itself too.
  if (::chmod(socket_path_.c_str(), 0600) != 0 || ::listen(listen_fd_, 256) != 0) {
    std::string msg = ErrnoText("cannot listen on " + socket_path_);
    ::unlink(socket_path_.c_str());
    bound_ = false;
    return fail(msg);
  }
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    std::string msg = ErrnoText("eventfd");
    ::unlink(socket_path_.c_str());
    bound_ = false;
    return fail(msg);
  }
  threads_.emplace_back([this] { AcceptLoop(); });
  for (int i = 0; i < std::max(1, options_.workers); ++i) {
    threads_.emplace_back([this] { WorkerLoop(); });
  }
  return true;
}

void HookReceiver::Stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mu_);
  if (stopping_.exchange(true)) return;
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    queue_cv_.notify_all();
  }
  for (auto& t : threads_)
    t.join();
  threads_.clear();
  for (int fd : queue_)
    ::close(fd);
  queue_.clear();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
  if (bound_) ::unlink(socket_path_.c_str());
  bound_ = false;
  if (wake_fd_ >= 0) ::close(wake_fd_);
  wake_fd_ = -1;
  // The lock file stays: unlinking it would let two later servers lock different inodes.
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
}

HookReceiver::Counters HookReceiver::counters() const {
  return Counters{accepted_.load(), rejected_.load()};
}

void HookReceiver::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int pr = ::poll(fds, 2, -1);
    if (pr < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents) return;
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      // EMFILE and friends: back off briefly rather than spin on a ready listen socket.
      if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
        pollfd w{wake_fd_, POLLIN, 0};
        ::poll(&w, 1, 50);
      }
      continue;
    }
    std::lock_guard<std::mutex> lock(queue_mu_);
    queue_.push_back(fd);
    queue_cv_.notify_one();
  }
}

void HookReceiver::WorkerLoop() {
  for (;;) {
    int fd;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_.load() || !queue_.empty(); });
      if (stopping_.load()) return;
      fd = queue_.front();
      queue_.pop_front();
    }
    Serve(fd);
    ::close(fd);
  }
}

void HookReceiver::Serve(int fd) {
  std::string raw;
  const auto deadline = Clock::now() + options_.read_timeout;
  char buf[64 * 1024];
  // +1: the framing's trailing newline does not count against the document's limit.
  const size_t limit = options_.max_bytes + 1;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      rejected_.fetch_add(1);
      return;  // a client that never finishes gets no answer: it spools, we drop
    }
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int pr = ::poll(fds, 2, static_cast<int>(left.count()));
    if (pr < 0 && errno == EINTR) continue;
    if (pr < 0 || fds[1].revents) return;  // stopping: the client spools the event
    if (pr == 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return;
    }
    if (n == 0) break;
    if (raw.size() + static_cast<size_t>(n) > limit) {
      rejected_.fetch_add(1);
      SendByte(fd, 'R');
      return;
    }
    raw.append(buf, static_cast<size_t>(n));
  }
  std::string line, error;
  bool ok = PrepareHookEvent(raw, NowMs(), &line, &error);
  if (ok) {
    try {
      std::lock_guard<std::mutex> lock(callback_mu_);
      callback_(std::move(line));
    } catch (...) {
      ok = false;
    }
  }
  (ok ? accepted_ : rejected_).fetch_add(1);
  SendByte(fd, ok ? 'A' : 'R');
}

namespace {

constexpr std::string_view kReplayingSuffix = ".replaying";

bool IsSpoolName(const std::string& n) {
  auto ends = [&](std::string_view s) {
    return n.size() >= s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0;
  };
  return n.rfind("spool-", 0) == 0 && (ends(".jsonl") || ends(".jsonl.replaying"));
}

// Delivers one file's events; true when all of it was read (then the caller deletes it).
bool DeliverFile(const std::string& path, const HookEventCallback& callback,
                 SpoolReplayStats* stats) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    stats->errors.push_back(ErrnoText("cannot read " + path));
    return false;
  }
  std::string raw, line, error;
  while (std::getline(in, raw)) {
    bool blank = std::all_of(raw.begin(), raw.end(),
                             [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
    if (blank) continue;
    if (!PrepareHookEvent(raw, NowMs(), &line, &error)) {
      ++stats->skipped;  // typically a hook killed mid-write: its torn last line
      continue;
    }
    callback(std::move(line));
    ++stats->delivered;
  }
  if (in.bad()) {
    stats->errors.push_back("read error in " + path);
    return false;
  }
  return true;
}

}  // namespace

SpoolReplayStats ReplaySpool(const std::string& spool_dir, const HookEventCallback& callback) {
  SpoolReplayStats stats;
  DIR* d = ::opendir(spool_dir.c_str());
  if (!d) {
    if (errno != ENOENT) stats.errors.push_back(ErrnoText("cannot open " + spool_dir));
    return stats;
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (IsSpoolName(n)) names.push_back(n);
  }
  ::closedir(d);
  // Order by the spool name; a leftover "<name>.replaying" holds older events than "<name>".
  auto key = [](const std::string& n) {
    bool replaying = n.size() > kReplayingSuffix.size() &&
                     n.compare(n.size() - kReplayingSuffix.size(), kReplayingSuffix.size(),
                               kReplayingSuffix) == 0;
    return std::make_pair(replaying ? n.substr(0, n.size() - kReplayingSuffix.size()) : n,
                          replaying ? 0 : 1);
  };
  std::sort(names.begin(), names.end(),
            [&](const std::string& a, const std::string& b) { return key(a) < key(b); });

  for (const auto& n : names) {
    std::string path = spool_dir + "/" + n;
    std::string replaying = path;
    if (key(n).second == 1) {
      replaying = path + std::string(kReplayingSuffix);
      struct stat st {};
      if (::lstat(replaying.c_str(), &st) == 0) {
        // Its older twin could not be finished: keep the order, try again next time.
        stats.errors.push_back(replaying + " still pending; " + path + " left for later");
        continue;
      }
      int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
      if (fd < 0) {
        if (errno != ENOENT) stats.errors.push_back(ErrnoText("cannot open " + path));
        continue;
      }
      int lr;
      do {
        lr = ::flock(fd, LOCK_EX);
      } while (lr != 0 && errno == EINTR);
      // Renamed under the hooks' lock: an append either landed before (and is read now) or
      // happens after on a new file of the old name (read next time).
      int rr = ::rename(path.c_str(), replaying.c_str());
      ::close(fd);
      if (rr != 0) {
        stats.errors.push_back(ErrnoText("cannot rename " + path));
        continue;
      }
    }
    ++stats.files;
    if (!DeliverFile(replaying, callback, &stats)) continue;
    if (::unlink(replaying.c_str()) != 0)
      stats.errors.push_back(ErrnoText("cannot remove " + replaying));
  }
  return stats;
}

}  // namespace cs

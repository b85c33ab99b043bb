#include "ingest/hook_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/paths.h"

namespace cs {

namespace {

using Clock = std::chrono::steady_clock;

// Finds where a top-level JSON object ends without building it, so that the hook stops reading
// as soon as the object is complete even when the writer keeps stdin open.
class ObjectScanner {
 public:
  enum class State { kMore, kDone, kNotObject };

  // Feeds bytes; on kDone, *end is the index in `chunk` one past the closing '}'.
  State Feed(std::string_view chunk, size_t* end) {
    for (size_t i = 0; i < chunk.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(chunk[i]);
      if (!started_) {
        if (bom_ < 3 && c == kBom[bom_] && seen_ == bom_) {
          ++bom_;
          ++seen_;
          continue;
        }
        ++seen_;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        if (c != '{') return State::kNotObject;
        started_ = true;
        depth_ = 1;
        continue;
      }
      if (in_string_) {
        if (escape_) {
          escape_ = false;
        } else if (c == '\\') {
          escape_ = true;
        } else if (c == '"') {
          in_string_ = false;
        }
        continue;
      }
      if (c == '"') {
        in_string_ = true;
      } else if (c == '{' || c == '[') {
        ++depth_;
      } else if (c == '}' || c == ']') {
        if (--depth_ == 0) {
          *end = i + 1;
          return State::kDone;
        }
      }
    }
    return State::kMore;
  }

 private:
  static constexpr unsigned char kBom[3] = {0xEF, 0xBB, 0xBF};
  bool started_ = false, in_string_ = false, escape_ = false;
  size_t depth_ = 0, bom_ = 0, seen_ = 0;
};

// Checks the document's shape without building it: top level must be an object; notes
// whether it is empty and whether it already has received_at.
class TopLevelSax : public nlohmann::json_sax<nlohmann::json> {
 public:
  bool object_at_top = false, has_keys = false, has_received_at = false;
  std::string error;

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) object_at_top = true;
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) {
      has_keys = true;
      if (k == "received_at") has_received_at = true;
    }
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error = ex.what();
    return false;
  }

 private:
  bool Value() { return depth_ > 0; }  // a bare scalar at the top is not an event
  size_t depth_ = 0;
};

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

HookReadStatus ReadHookDocument(int fd, size_t max_bytes, std::chrono::milliseconds budget,
                                std::string* out) {
  out->clear();
  ObjectScanner scanner;
  const auto deadline = Clock::now() + budget;
  char buf[64 * 1024];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return HookReadStatus::kTimeout;
    pollfd pfd{fd, POLLIN, 0};
    int pr = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (pr < 0) {
      if (errno == EINTR) continue;
      return HookReadStatus::kError;
    }
    if (pr == 0) return HookReadStatus::kTimeout;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return HookReadStatus::kError;
    }
    if (n == 0) return HookReadStatus::kEof;
    size_t end = 0;
    auto st = scanner.Feed(std::string_view(buf, static_cast<size_t>(n)), &end);
    if (st == ObjectScanner::State::kNotObject) return HookReadStatus::kNotObject;
    size_t take = st == ObjectScanner::State::kDone ? end : static_cast<size_t>(n);
    if (out->size() + take > max_bytes) return HookReadStatus::kTooLarge;
    out->append(buf, take);
    if (st == ObjectScanner::State::kDone) return HookReadStatus::kComplete;
  }
}

bool PrepareHookEvent(std::string_view raw, int64_t now_ms, std::string* line, std::string* error) {
  size_t b = 0;
  if (raw.substr(0, 3) == "\xEF\xBB\xBF") b = 3;
  while (b < raw.size() && (raw[b] == ' ' || raw[b] == '\t' || raw[b] == '\n' || raw[b] == '\r'))
    ++b;
  size_t e = raw.size();
  while (e > b &&
         (raw[e - 1] == ' ' || raw[e - 1] == '\t' || raw[e - 1] == '\n' || raw[e - 1] == '\r'))
    --e;
  std::string_view body = raw.substr(b, e - b);
  if (body.empty() || body.front() != '{') {
    *error = "hook input is not a JSON object";
    return false;
  }
  TopLevelSax sax;
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(body, &sax);
  } catch (const std::exception& ex) {  // sax_parse reports through the handler; be safe
    sax.error = ex.what();
  }
  if (!ok || !sax.object_at_top) {
    *error = "hook input is not valid JSON: " + sax.error;
    return false;
  }
  line->clear();
  line->reserve(body.size() + 40);
  if (sax.has_received_at) {
    line->append(body);
  } else {
    line->append("{\"received_at\":");
    line->append(std::to_string(now_ms));
    if (sax.has_keys) line->push_back(',');
    line->append(body.substr(1));
  }
  // Raw CR/LF can only be whitespace between tokens in valid JSON (inside strings they must
  // be escaped), so blanking them keeps the document and makes it one spool line.
  for (char& c : *line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return true;
}

HookSendResult SendHookEvent(const std::string& socket_path, std::string_view line,
                             std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) return HookSendResult::kNoServer;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return HookSendResult::kNoServer;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  // Unix-socket connect honours SO_SNDTIMEO, so a full accept backlog cannot hang the hook.
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto result = HookSendResult::kNoServer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const char nl = '\n';
    iovec iov[2] = {{const_cast<char*>(line.data()), line.size()}, {const_cast<char*>(&nl), 1}};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    bool sent = true;
    size_t total = line.size() + 1, done = 0;
    while (done < total) {
      ssize_t w = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
      if (w < 0) {
        if (errno == EINTR) continue;
        sent = false;
        break;
      }
      done += static_cast<size_t>(w);
      // Advance the iovecs past what went out.
      size_t adv = static_cast<size_t>(w);
      while (adv > 0 && msg.msg_iovlen > 0) {
        if (adv >= msg.msg_iov[0].iov_len) {
          adv -= msg.msg_iov[0].iov_len;
          ++msg.msg_iov;
          --msg.msg_iovlen;
        } else {
          msg.msg_iov[0].iov_base = static_cast<char*>(msg.msg_iov[0].iov_base) + adv;
          msg.msg_iov[0].iov_len -= adv;
          adv = 0;
        }
      }
    }
    if (sent) {
      ::shutdown(fd, SHUT_WR);
      char ack = 0;
      ssize_t r;
      do {
        r = ::recv(fd, &ack, 1, 0);
      } while (r < 0 && errno == EINTR);
      if (r == 1 && ack == 'A') result = HookSendResult::kAccepted;
      if (r == 1 && ack == 'R') result = HookSendResult::kRejected;
    }
  }
  ::close(fd);
  return result;
}

std::string SpoolFileName(int64_t now_ms) {
  time_t t = static_cast<time_t>(now_ms / 1000);
  tm utc{};
  ::gmtime_r(&t, &utc);
  char name[40];
  std::snprintf(name, sizeof name, "spool-%04d%02d%02d.jsonl", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday);
  return name;
}

bool AppendToSpool(const std::string& spool_dir, std::string_view line, int64_t now_ms,
                   std::string* error) {
  if (!MakeDirs(spool_dir, error)) return false;
  const std::string path = spool_dir + "/" + SpoolFileName(now_ms);
  std::string record;
  record.reserve(line.size() + 1);
  record.append(line);
  record.push_back('\n');
  // A replay renames the file while holding the lock; a hook that opened the old name before
  // then must not append to the renamed (already read) file, so it checks and reopens.
  for (int attempt = 0; attempt < 8; ++attempt) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
      *error = "cannot open " + path + ": " + std::strerror(errno);
      return false;
    }
    int lr;
    do {
      lr = ::flock(fd, LOCK_EX);
    } while (lr != 0 && errno == EINTR);
    struct stat by_fd {};
    struct stat by_path {};
    if (::fstat(fd, &by_fd) != 0 || ::stat(path.c_str(), &by_path) != 0 ||
        by_fd.st_ino != by_path.st_ino || by_fd.st_dev != by_path.st_dev) {
      ::close(fd);
      continue;
    }
    bool ok = WriteAll(fd, record.data(), record.size());
    if (!ok) *error = "cannot write " + path + ": " + std::strerror(errno);
    ::close(fd);  // also releases the lock
    return ok;
  }
  *error = "spool file " + path + " kept being replaced";
  return false;
}

HookOutcome RunHookClient(int in_fd, const std::string& socket_path, const std::string& spool_dir,
                          std::string* note) {
  try {
    std::string raw;
    // 2 s: Claude Code's SessionEnd budget is 1.5 s by default and the hook must stay well
    // inside the 5 s timeout that install writes.
    auto st = ReadHookDocument(in_fd, kMaxHookEventBytes, std::chrono::milliseconds(2000), &raw);
    switch (st) {
      case HookReadStatus::kTooLarge:
        *note = "hook event larger than 16 MiB dropped";
        return HookOutcome::kDropped;
      case HookReadStatus::kNotObject:
        *note = "hook input is not a JSON object";
        return HookOutcome::kDropped;
      case HookReadStatus::kError:
        *note = std::string("cannot read hook input: ") + std::strerror(errno);
        return HookOutcome::kDropped;
      default:
        break;  // complete, or partial input that validation will judge
    }
    const int64_t now = NowMs();
    std::string line, error;
    if (!PrepareHookEvent(raw, now, &line, &error)) {
      *note = st == HookReadStatus::kTimeout ? "hook input incomplete after 2 s" : error;
      return HookOutcome::kDropped;
    }
    switch (SendHookEvent(socket_path, line, std::chrono::milliseconds(1000))) {
      case HookSendResult::kAccepted:
        return HookOutcome::kSent;
      case HookSendResult::kRejected:
        *note = "server rejected the hook event";
        return HookOutcome::kRejected;
      case HookSendResult::kNoServer:
        break;
    }
    if (!AppendToSpool(spool_dir, line, now, &error)) {
      *note = error;
      return HookOutcome::kDropped;
    }
    return HookOutcome::kSpooled;
  } catch (const std::exception& ex) {
    *note = ex.what();
  } catch (...) {
    *note = "unexpected error";
  }
  return HookOutcome::kDropped;
}

void RunHookCommand(int in_fd) {
  try {
    const std::string home = ClaudescopeHome();
    std::string note;
    auto outcome = RunHookClient(in_fd, HookSocketPath(home), SpoolDir(home), &note);
    // stderr only: Claude Code shows it in verbose mode and never feeds it to the model.
    if (outcome == HookOutcome::kDropped || outcome == HookOutcome::kRejected) {
      std::fprintf(stderr, "claudescope hook: %s\n", note.c_str());
    }
  } catch (...) {
  }
}

}  // namespace cs

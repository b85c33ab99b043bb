#include "ingest/hook_receiver.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

namespace cs {
namespace {

namespace fs = std::filesystem;
using Ms = std::chrono::milliseconds;

// Collects events; waits for a count with a deadline.
class Sink {
 public:
  HookEventCallback Callback() {
    return [this](std::string json) {
      std::lock_guard<std::mutex> lock(mu_);
      events_.push_back(std::move(json));
      cv_.notify_all();
    };
  }
  bool WaitFor(size_t n, Ms timeout = Ms(10000)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return events_.size() >= n; });
  }
  std::vector<std::string> events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> events_;
};

class HookReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Short path: sun_path holds 107 bytes.
    char t[] = "/tmp/cs-hr-XXXXXX";
    root_ = ::mkdtemp(t);
    sock_ = root_ + "/home/hook.sock";
    spool_ = root_ + "/home/spool";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void WriteFile(const std::string& path, const std::string& s) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << s;
  }
  std::string root_, sock_, spool_;
};

TEST_F(HookReceiverTest, ClientToCallback) {
  Sink sink;
  HookReceiver r(sock_, sink.Callback());
  std::string err;
  ASSERT_TRUE(r.Start(&err)) << err;
  struct stat st {};
  ASSERT_EQ(::stat(sock_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((root_ + "/home").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  std::string line;
  ASSERT_TRUE(
      PrepareHookEvent(R"({"hook_event_name":"PreToolUse","tool_name":"Bash"})", 5, &line, &err));
  EXPECT_EQ(SendHookEvent(sock_, line, Ms(1000)), HookSendResult::kAccepted);
  ASSERT_TRUE(sink.WaitFor(1));
  EXPECT_EQ(sink.events()[0], line);
  // What is not a JSON object is answered 'R' and never reaches the callback.
  EXPECT_EQ(SendHookEvent(sock_, "[1,2]", Ms(1000)), HookSendResult::kRejected);
  EXPECT_EQ(r.counters().accepted, 1);
  EXPECT_EQ(r.counters().rejected, 1);
  EXPECT_EQ(sink.events().size(), 1u);

  // RunHookClient end to end through a pipe.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string ev = R"({"hook_event_name":"Stop"})";
  ASSERT_EQ(::write(fds[1], ev.data(), ev.size()), ssize_t(ev.size()));
  std::string note;
  EXPECT_EQ(RunHookClient(fds[0], sock_, spool_, &note), HookOutcome::kSent) << note;
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_TRUE(sink.WaitFor(2));
  EXPECT_EQ(nlohmann::json::parse(sink.events()[1])["hook_event_name"], "Stop");
  EXPECT_FALSE(fs::exists(spool_));

  r.Stop();
  EXPECT_FALSE(fs::exists(sock_));
  EXPECT_EQ(SendHookEvent(sock_, line, Ms(200)), HookSendResult::kNoServer);
}

TEST_F(HookReceiverTest, ServerDownThenReplay) {
  for (int i = 0; i < 3; ++i) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    std::string ev = "{\"n\":" + std::to_string(i) + "}";
    ASSERT_EQ(::write(fds[1], ev.data(), ev.size()), ssize_t(ev.size()));
    ::close(fds[1]);
    std::string note;
    EXPECT_EQ(RunHookClient(fds[0], sock_, spool_, &note), HookOutcome::kSpooled) << note;
    ::close(fds[0]);
  }
  Sink sink;
  auto stats = ReplaySpool(spool_, sink.Callback());
  EXPECT_EQ(stats.delivered, 3);
  ASSERT_EQ(sink.events().size(), 3u);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(nlohmann::json::parse(sink.events()[i])["n"], i);
  EXPECT_TRUE(fs::is_empty(spool_));
  // Exactly once: a second replay (a restart) finds nothing.
  stats = ReplaySpool(spool_, sink.Callback());
  EXPECT_EQ(stats.delivered, 0);
  EXPECT_EQ(sink.events().size(), 3u);
}

TEST_F(HookReceiverTest, ReplayOrderAndTornLastLine) {
  WriteFile(spool_ + "/spool-20260102.jsonl", "{\"n\":3}\n{\"n\":4}\n{\"n\":5,\"cut");
  WriteFile(spool_ + "/spool-20260101.jsonl", "{\"n\":1}\n\n{\"n\":2}");  // valid, no newline
  // Left by a crash in the middle of replaying: older than the file of the same day.
  WriteFile(spool_ + "/spool-20260101.jsonl.replaying", "{\"n\":0}\n");
  WriteFile(spool_ + "/unrelated.txt", "keep me");
  Sink sink;
  auto stats = ReplaySpool(spool_, sink.Callback());
  EXPECT_TRUE(stats.errors.empty()) << stats.errors[0];
  EXPECT_EQ(stats.files, 3);
  EXPECT_EQ(stats.delivered, 5);
  EXPECT_EQ(stats.skipped, 1);
  auto ev = sink.events();
  ASSERT_EQ(ev.size(), 5u);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(nlohmann::json::parse(ev[i])["n"], i) << ev[i];
  EXPECT_TRUE(fs::exists(spool_ + "/unrelated.txt"));
  EXPECT_FALSE(fs::exists(spool_ + "/spool-20260101.jsonl"));
  EXPECT_FALSE(fs::exists(spool_ + "/spool-20260102.jsonl"));
  EXPECT_FALSE(fs::exists(spool_ + "/spool-20260101.jsonl.replaying"));
}

TEST_F(HookReceiverTest, ReplayFailureKeepsTheFileForNextTime) {
  WriteFile(spool_ + "/spool-20260101.jsonl", "{\"n\":0}\n{\"n\":1}\n");
  int calls = 0;
  EXPECT_THROW(ReplaySpool(spool_,
                           [&](std::string) {
                             if (++calls == 2) throw std::runtime_error("store down");
                           }),
               std::runtime_error);
  Sink sink;
  auto stats = ReplaySpool(spool_, sink.Callback());
  EXPECT_EQ(stats.delivered, 2);
  EXPECT_TRUE(fs::is_empty(spool_));
}

TEST_F(HookReceiverTest, ReplayOfAbsentDirIsNothing) {
  Sink sink;
  auto stats = ReplaySpool(root_ + "/nope", sink.Callback());
  EXPECT_EQ(stats.files, 0);
  EXPECT_TRUE(stats.errors.empty());
}

TEST_F(HookReceiverTest, EightThreadsAllArrive) {
  Sink sink;
  HookReceiver r(sock_, sink.Callback());
  std::string err;
  ASSERT_TRUE(r.Start(&err)) << err;
  const int kThreads = 8, kEach = 125;
  std::vector<std::thread> ts;
  std::atomic<int> not_accepted{0};
  for (int t = 0; t < kThreads; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string line = nlohmann::json{{"t", t}, {"i", i}}.dump();
        if (SendHookEvent(sock_, line, Ms(5000)) != HookSendResult::kAccepted) ++not_accepted;
      }
    });
  }
  for (auto& t : ts)
    t.join();
  EXPECT_EQ(not_accepted.load(), 0);
  ASSERT_TRUE(sink.WaitFor(kThreads * kEach));
  std::set<std::pair<int, int>> seen;
  for (const auto& e : sink.events()) {
    auto j = nlohmann::json::parse(e);
    seen.emplace(j["t"].get<int>(), j["i"].get<int>());
  }
  EXPECT_EQ(seen.size(), size_t(kThreads * kEach));
}

TEST_F(HookReceiverTest, RefusesASecondServerAndReplacesAStaleSocket) {
  Sink sink;
  {
    // A stale socket file: bound once, nobody listening any more.
    fs::create_directories(root_ + "/home");
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strcpy(a.sun_path, sock_.c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ::close(fd);
    ASSERT_TRUE(fs::exists(sock_));
  }
  HookReceiver first(sock_, sink.Callback());
  std::string err;
  ASSERT_TRUE(first.Start(&err)) << err;
  HookReceiver second(sock_, sink.Callback());
  EXPECT_FALSE(second.Start(&err));
  EXPECT_NE(err.find("another"), std::string::npos) << err;
  // The refused one must not have removed the live socket.
  EXPECT_EQ(SendHookEvent(sock_, "{}", Ms(1000)), HookSendResult::kAccepted);
  first.Stop();
  HookReceiver third(sock_, sink.Callback());
  EXPECT_TRUE(third.Start(&err)) << err;
}

TEST_F(HookReceiverTest, RefusesAPathThatIsNotASocket) {
  WriteFile(sock_, "x");
  Sink sink;
  HookReceiver r(sock_, sink.Callback());
  std::string err;
  EXPECT_FALSE(r.Start(&err));
  EXPECT_NE(err.find("not a socket"), std::string::npos) << err;
  EXPECT_TRUE(fs::exists(sock_));
}

TEST_F(HookReceiverTest, OversizedDocumentIsRejected) {
  Sink sink;
  HookReceiver::Options o;
  o.max_bytes = 1000;
  HookReceiver r(sock_, sink.Callback(), o);
  std::string err;
  ASSERT_TRUE(r.Start(&err)) << err;
  std::string big = "{\"a\":\"" + std::string(2000, 'x') + "\"}";
  EXPECT_NE(SendHookEvent(sock_, big, Ms(1000)), HookSendResult::kAccepted);
  EXPECT_EQ(SendHookEvent(sock_, "{\"small\":1}", Ms(1000)), HookSendResult::kAccepted);
  ASSERT_TRUE(sink.WaitFor(1));
  EXPECT_EQ(sink.events().size(), 1u);
}

TEST_F(HookReceiverTest, StopWhileAClientHoldsAConnection) {
  Sink sink;
  auto r = std::make_unique<HookReceiver>(sock_, sink.Callback());
  std::string err;
  ASSERT_TRUE(r->Start(&err)) << err;
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strcpy(a.sun_path, sock_.c_str());
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::write(fd, "{\"a\":", 5), 5);  // never finishes
  std::this_thread::sleep_for(Ms(50));
  auto t0 = std::chrono::steady_clock::now();
  r.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, Ms(1000));
  ::close(fd);
}

}  // namespace
}  // namespace cs

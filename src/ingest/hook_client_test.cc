#include "ingest/hook_client.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

namespace cs {
namespace {

namespace fs = std::filesystem;
using Ms = std::chrono::milliseconds;

struct Pipe {
  int r = -1, w = -1;
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    r = fds[0];
    w = fds[1];
  }
  ~Pipe() {
    CloseWrite();
    if (r >= 0) ::close(r);
  }
  void Write(const std::string& s) { ASSERT_EQ(::write(w, s.data(), s.size()), ssize_t(s.size())); }
  void CloseWrite() {
    if (w >= 0) ::close(w);
    w = -1;
  }
};

TEST(HookClient, ReadStopsAtTheEndOfTheObjectWithoutEof) {
  Pipe p;
  p.Write("\n  {\"a\":\"}{\\\"\",\"b\":[{\"c\":1}]}  trailing");
  std::string out;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(ReadHookDocument(p.r, 1 << 20, Ms(2000), &out), HookReadStatus::kComplete);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, Ms(500));  // did not wait for EOF
  EXPECT_EQ(out, "\n  {\"a\":\"}{\\\"\",\"b\":[{\"c\":1}]}");
}

TEST(HookClient, ReadAcrossChunksAndBom) {
  Pipe p;
  std::thread writer([&] {
    p.Write("\xEF\xBB\xBF{\"big\":\"");
    std::this_thread::sleep_for(Ms(20));
    p.Write(std::string(200000, 'x'));
    p.Write("\"}");
  });
  std::string out;
  EXPECT_EQ(ReadHookDocument(p.r, 1 << 20, Ms(2000), &out), HookReadStatus::kComplete);
  writer.join();
  EXPECT_EQ(out.size(), 3 + 8 + 200000 + 2u);
}

TEST(HookClient, ReadLimits) {
  {
    Pipe p;
    p.Write("{\"a\":");
    std::string out;
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(ReadHookDocument(p.r, 1 << 20, Ms(100), &out), HookReadStatus::kTimeout);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, Ms(1000));
  }
  {
    Pipe p;
    p.Write("{\"a\":");
    p.CloseWrite();
    std::string out;
    EXPECT_EQ(ReadHookDocument(p.r, 1 << 20, Ms(1000), &out), HookReadStatus::kEof);
  }
  {
    Pipe p;
    p.Write("[1,2]");
    std::string out;
    EXPECT_EQ(ReadHookDocument(p.r, 1 << 20, Ms(1000), &out), HookReadStatus::kNotObject);
  }
  {
    Pipe p;
    std::thread writer([&] {
      p.Write("{\"a\":\"" + std::string(5000, 'x'));
      p.CloseWrite();
    });
    std::string out;
    EXPECT_EQ(ReadHookDocument(p.r, 1000, Ms(1000), &out), HookReadStatus::kTooLarge);
    writer.join();
  }
}

TEST(HookClient, PrepareStampsAndKeepsBytes) {
  std::string line, err;
  ASSERT_TRUE(PrepareHookEvent("{\n \"b\": 1,\r\n \"a\": \"x\\ny\"\n}\n", 42, &line, &err)) << err;
  EXPECT_EQ(line, "{\"received_at\":42,  \"b\": 1,   \"a\": \"x\\ny\" }");
  EXPECT_EQ(nlohmann::json::parse(line)["a"], "x\ny");
  ASSERT_TRUE(PrepareHookEvent("{}", 7, &line, &err));
  EXPECT_EQ(line, "{\"received_at\":7}");
  ASSERT_TRUE(PrepareHookEvent("{\"received_at\":1,\"x\":{\"received_at\":2}}", 7, &line, &err));
  EXPECT_EQ(line, "{\"received_at\":1,\"x\":{\"received_at\":2}}");
  // Nested received_at does not count as the event's own.
  ASSERT_TRUE(PrepareHookEvent("{\"x\":{\"received_at\":2}}", 7, &line, &err));
  EXPECT_EQ(line, "{\"received_at\":7,\"x\":{\"received_at\":2}}");
}

TEST(HookClient, PrepareRejectsWhatIsNotAnObject) {
  std::string line, err;
  EXPECT_FALSE(PrepareHookEvent("", 1, &line, &err));
  EXPECT_FALSE(PrepareHookEvent("[1]", 1, &line, &err));
  EXPECT_FALSE(PrepareHookEvent("\"s\"", 1, &line, &err));
  EXPECT_FALSE(PrepareHookEvent("{\"a\":", 1, &line, &err));
  EXPECT_FALSE(PrepareHookEvent("{\"a\":1} {}", 1, &line, &err));
  EXPECT_FALSE(PrepareHookEvent("{\"a\":\"\xff\"}", 1, &line, &err));  // not UTF-8
}

TEST(HookClient, SpoolFileNameIsTheUtcDay) {
  EXPECT_EQ(SpoolFileName(1700000000000), "spool-20231114.jsonl");
}

class SpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string t = (fs::temp_directory_path() / "cs-spool-XXXXXX").string();
    root_ = ::mkdtemp(t.data());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string root_;
};

TEST_F(SpoolTest, AppendCreatesPrivateDirsAndFiles) {
  std::string dir = root_ + "/home/spool";
  std::string err;
  ASSERT_TRUE(AppendToSpool(dir, "{\"a\":1}", 1700000000000, &err)) << err;
  ASSERT_TRUE(AppendToSpool(dir, "{\"a\":2}", 1700000000000, &err)) << err;
  struct stat st {};
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat((root_ + "/home").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  std::string file = dir + "/spool-20231114.jsonl";
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(file);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, "{\"a\":1}\n{\"a\":2}\n");
}

TEST_F(SpoolTest, ParallelAppendsNeverInterleave) {
  std::string dir = root_ + "/spool";
  const int kThreads = 8, kEach = 50;
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        nlohmann::json j = {{"t", t}, {"i", i}, {"pad", std::string(5000 + t * 100, 'p')}};
        std::string err;
        EXPECT_TRUE(AppendToSpool(dir, j.dump(), 1700000000000, &err)) << err;
      }
    });
  }
  for (auto& t : ts)
    t.join();
  std::ifstream in(dir + "/spool-20231114.jsonl");
  std::string line;
  std::set<std::pair<int, int>> seen;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    seen.emplace(j["t"].get<int>(), j["i"].get<int>());
  }
  EXPECT_EQ(seen.size(), size_t(kThreads * kEach));
}

TEST_F(SpoolTest, RunHookClientSpoolsWhenNoServer) {
  Pipe p;
  p.Write(R"({"hook_event_name":"Stop","session_id":"s1"})");  // stdin left open
  std::string note;
  auto t0 = std::chrono::steady_clock::now();
  auto outcome = RunHookClient(p.r, root_ + "/nosuch.sock", root_ + "/spool", &note);
  EXPECT_EQ(outcome, HookOutcome::kSpooled) << note;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, Ms(500));
  int files = 0;
  for (auto& e : fs::directory_iterator(root_ + "/spool")) {
    ++files;
    std::ifstream in(e.path());
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["session_id"], "s1");
    EXPECT_TRUE(j["received_at"].is_number_integer());
  }
  EXPECT_EQ(files, 1);
}

TEST_F(SpoolTest, RunHookClientDropsGarbage) {
  Pipe p;
  p.Write("not json");
  p.CloseWrite();
  std::string note;
  EXPECT_EQ(RunHookClient(p.r, root_ + "/nosuch.sock", root_ + "/spool", &note),
            HookOutcome::kDropped);
  EXPECT_FALSE(note.empty());
  EXPECT_FALSE(fs::exists(root_ + "/spool"));
}

}  // namespace
}  // namespace cs

#include "ingest/hook_events.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "ingest/transcript_watcher.h"
#include "store/schema.h"

namespace cs {
namespace {

namespace fs = std::filesystem;

class HookEvents : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "cshooks-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    db_ = OpenStore(dir_ + "/cs.db");
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  std::string Text(const std::string& sql) {
    Stmt q(*db_, sql);
    EXPECT_TRUE(q.Step()) << sql;
    return q.IsNull(0) ? "NULL" : q.Text(0);
  }
  std::string dir_;
  std::unique_ptr<Db> db_;
};

TEST_F(HookEvents, StoredForwardedAndTaskEventsDerived) {
  auto events = ApplyHookEvents(
      *db_, {{R"({"hook_event_name":"TaskCreated","session_id":"s1","task_id":"7"})", 1000},
             {R"({"hook_event_name":"PostToolUse","session_id":"s1","tool_name":"TodoWrite",)"
              R"("tool_input":{"todos":[{"content":"a"}]},"tool_use_id":"t1"})",
              2000},
             {R"({"hook_event_name":"SomethingNew","session_id":"s1"})", 3000},
             {"not json", 4000}});
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0]["hook_event_name"], "TaskCreated");
  EXPECT_EQ(events[1]["hook_event_name"], "TaskStart");
  EXPECT_EQ(events[1]["task_id"], "7");
  EXPECT_EQ(events[2]["hook_event_name"], "PostToolUse");
  EXPECT_EQ(events[3]["hook_event_name"], "TaskUpdate");
  EXPECT_EQ(events[3]["todos"].size(), 1u);
  EXPECT_EQ(events[4]["hook_event_name"], "SomethingNew");
  EXPECT_EQ(events[0]["timestamp"], "1970-01-01T00:00:01.000Z");
  EXPECT_EQ(Text("SELECT count(*) FROM hook_events"), "3");
  EXPECT_EQ(Text("SELECT count(*) FROM sessions"), "0");  // a hook creates no session
}

TEST_F(HookEvents, FactsWaitForTheSessionsTranscript) {
  ApplyHookEvents(*db_,
                  {{R"({"hook_event_name":"SessionEnd","session_id":"s1","reason":"other"})", 5000},
                   {R"({"hook_event_name":"PostToolUse","session_id":"s1",)"
                    R"("tool_use_id":"t1","duration_ms":42})",
                    4000}});
  db_->Exec("INSERT INTO sessions(id) VALUES('s1')");
  db_->Exec("INSERT INTO tool_calls(id, session_id, tool_name) VALUES('t1', 's1', 'Bash')");
  ReconcileHookFacts(*db_, {"s1"});
  EXPECT_EQ(Text("SELECT ended_at FROM sessions"), "5000");
  EXPECT_EQ(Text("SELECT end_reason FROM sessions"), "other");
  EXPECT_EQ(Text("SELECT duration_ms FROM tool_calls"), "42");
}

TEST(TranscriptWatcherTest, ReportsChangedFilesAndNewDirectories) {
  std::string tmpl = (fs::temp_directory_path() / "cswatch-XXXXXX").string();
  std::string root = ::mkdtemp(tmpl.data());
  TranscriptWatcher w({root}, std::chrono::milliseconds(200));
  EXPECT_FALSE(w.polling());
  fs::create_directories(root + "/proj/s1/subagents");
  std::ofstream(root + "/proj/s1/subagents/agent-a.jsonl") << "{}\n";
  std::vector<std::string> seen;
  bool rescan = false;
  for (int i = 0; i < 20 && seen.empty(); ++i) {
    auto c = w.Wait(std::chrono::milliseconds(100));
    seen.insert(seen.end(), c.files.begin(), c.files.end());
    rescan = rescan || c.rescan;
  }
  EXPECT_TRUE(!seen.empty() || rescan);
  std::ofstream(root + "/proj/s2.jsonl") << "{}\n";
  seen.clear();
  for (int i = 0; i < 20 && seen.empty(); ++i) {
    auto c = w.Wait(std::chrono::milliseconds(100));
    seen.insert(seen.end(), c.files.begin(), c.files.end());
  }
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen[0], root + "/proj/s2.jsonl");
  // Wake() returns a Wait early.
  std::thread t([&] { w.Wake(); });
  auto start = std::chrono::steady_clock::now();
  w.Wait(std::chrono::seconds(5));
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  fs::remove_all(root);
}

}  // namespace
}  // namespace cs

#include "store/prompt_rollup.h"

#include <gtest/gtest.h>

#include <string>

#include "store/schema.h"

namespace cs {
namespace {

class PromptRollupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = OpenStore(":memory:");
    db_->Exec("INSERT INTO sessions(id, project_path) VALUES('s1', '/p1'), ('s2', '/p2')");
  }
  // A message row as the writer stores it; `ts` < 0 for a line without a timestamp.
  void Message(int64_t rowid, const std::string& session, const std::string& type,
               const std::string& kind, int64_t ts, const std::string& text, double cost,
               bool sidechain = false) {
    Stmt q(*db_,
           "INSERT INTO messages(rowid, dedupe_key, id, session_id, type, kind, timestamp, "
           "content_text, cost_usd, is_sidechain) VALUES(?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    q.Bind(1, rowid).Bind(2, "k" + std::to_string(rowid)).Bind(3, session).Bind(4, type);
    q.Bind(5, kind);
    if (ts < 0) {
      q.BindNull(6);
    } else {
      q.Bind(6, ts);
    }
    q.Bind(7, text).Bind(8, cost).Bind(9, int64_t(sidechain));
    q.Run();
  }
  std::string Rows() {
    Stmt q(*db_,
           "SELECT session_id, bucket, category, project_path, prompts, round(cost_usd, 9) FROM "
           "prompt_rollup ORDER BY 1, 2, 3");
    std::string out;
    while (q.Step()) {
      for (int i = 0; i < 6; ++i)
        out += q.Text(i) + (i < 5 ? "|" : "\n");
    }
    return out;
  }
  std::unique_ptr<Db> db_;
};

TEST_F(PromptRollupTest, AFullRebuildWalksEachSessionInTimeThenInsertionOrder) {
  const int64_t b = 1800000;  // a 15-minute bucket's start
  // s1 in walk order: an answer before any prompt, and one at the time of the first prompt but
  // stored before it (rows break ties of time): neither has a category. Then the explain
  // prompt's answer, and a fix prompt answered at its own time.
  Message(6, "s1", "assistant", "response", b + 500, "", 0.25);
  Message(4, "s1", "assistant", "response", b - 1, "", 9.0);
  Message(3, "s1", "user", "prompt", b, "please explain this", 0);
  Message(2, "s1", "assistant", "response", b, "", 1.0);
  Message(1, "s1", "assistant", "response", b + 1, "", 0.5);
  Message(5, "s1", "user", "prompt", b + 500, "fix the bug", 0);
  // Not walked: a subagent's prompt and a tool result.
  Message(7, "s1", "user", "prompt", b + 600, "add tests", 0, true);
  Message(8, "s1", "user", "tool_result", b + 700, "", 0);
  // s2: lines without a time come first (SQL sorts NULL first) and count in their own bucket.
  Message(11, "s2", "assistant", "response", b, "", 3.0);
  Message(9, "s2", "user", "prompt", -1, "write the docs", 0);
  Message(10, "s2", "assistant", "response", -1, "", 2.0);

  RebuildPromptRollup(*db_);
  const std::string full = Rows();
  const auto& names = PromptCategoryNames();
  auto idx = [&](const char* name) {
    for (size_t i = 0; i < names.size(); ++i)
      if (std::string(names[i]) == name) return std::to_string(i);
    return std::string("?");
  };
  const std::string none = std::to_string(kNoPromptBucket);
  const std::string at_b = std::to_string(b);
  const std::string want = "s1|" + at_b + "|" + idx("bug_fix") + "|/p1|1|0.25\n" +  //
                           "s1|" + at_b + "|" + idx("explain") + "|/p1|1|0.5\n" + "s2|" + none +
                           "|" + idx("docs") + "|/p2|1|2.0\n" + "s2|" + at_b + "|" + idx("docs") +
                           "|/p2|0|3.0\n";
  EXPECT_EQ(full, want);

  // The per-session rebuild (what the writer runs after each batch) agrees.
  RebuildPromptRollup(*db_, {"s1", "s2"});
  EXPECT_EQ(Rows(), full);
}

}  // namespace
}  // namespace cs

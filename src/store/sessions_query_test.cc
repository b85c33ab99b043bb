#include "store/sessions_query.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "store/test_seed.h"

// Rows and filters are written with designated initializers that leave the other fields at
// their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace cs {
namespace {

using test::kT0;
constexpr int64_t kMin = 60 * 1000;

class SessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // s1: alpha, ended; s2: beta, open and recent (active); s3: alpha, open but stale.
    seed.Session({.id = "s1",
                  .started_at = kT0,
                  .last_activity_at = kT0 + 10 * kMin,
                  .ended_at = kT0 + 11 * kMin,
                  .input = 100,
                  .output = 50,
                  .cache_read = 5,
                  .cw5 = 3,
                  .cw1h = 2,
                  .cost = 1.0000004,
                  .tool_calls = 3,
                  .ai_title = "ai",
                  .summary_title = "summary"});
    seed.Session({.id = "s2",
                  .project_path = "/work/beta",
                  .project_name = "beta",
                  .started_at = kT0 + 60 * kMin,
                  .last_activity_at = kT0 + 100 * kMin,
                  .input = 10,
                  .cost = 3.5,
                  .tool_calls = 1,
                  .custom_title = "custom",
                  .ai_title = "ai"});
    seed.Session({.id = "s3",
                  .started_at = kT0 + 60 * kMin,
                  .last_activity_at = kT0 + 70 * kMin,
                  .input = 1000,
                  .cost = 0.25,
                  .tool_calls = 9});
    seed.Rollup("s1", "claude-sonnet", 0);
    seed.Rollup("s1", "claude-opus", 1);
    seed.Rollup("s1", "", 2);
    seed.Rollup("s2", "claude-haiku", 0);
    seed.Message({.id = "m1",
                  .session_id = "s2",
                  .text = "quokkafire in the logs",
                  .timestamp = kT0 + 61 * kMin});
    seed.Exec("INSERT INTO session_tags VALUES ('s1', 'bug'), ('s1', 'api'), ('s3', 'bug')");
  }
  nlohmann::ordered_json List(SessionListFilter f = {}) {
    return ListSessions(seed.db(), f, clock);
  }
  static std::vector<std::string> Ids(const nlohmann::ordered_json& r) {
    std::vector<std::string> out;
    for (const auto& s : r["sessions"])
      out.push_back(s["id"]);
    return out;
  }
  using V = std::vector<std::string>;
  test::SeedStore seed;
  SessionClock clock{kT0 + 105 * kMin, 15 * kMin};
};

TEST_F(SessionsTest, DefaultOrderIsStartedDescTiesById) {
  auto r = List();
  EXPECT_EQ(r["total"], 3);
  EXPECT_EQ(r["limit"], 50);
  EXPECT_EQ(r["offset"], 0);
  EXPECT_EQ(Ids(r), (V{"s2", "s3", "s1"}));
}

TEST_F(SessionsTest, Sorts) {
  EXPECT_EQ(Ids(List({.sort = SessionSort::kCost, .page = {50, 0, false}})), (V{"s3", "s1", "s2"}));
  EXPECT_EQ(Ids(List({.sort = SessionSort::kTokens})), (V{"s3", "s1", "s2"}));
  EXPECT_EQ(Ids(List({.sort = SessionSort::kDuration})), (V{"s2", "s1", "s3"}));
  EXPECT_EQ(Ids(List({.sort = SessionSort::kToolCalls})), (V{"s3", "s1", "s2"}));
  EXPECT_EQ(Ids(List({.sort = SessionSort::kLastActivity})), (V{"s2", "s3", "s1"}));
  EXPECT_EQ(ParseSessionSort("cost"), SessionSort::kCost);
  EXPECT_EQ(ParseSessionSort("bogus"), std::nullopt);
}

TEST_F(SessionsTest, PagingKeepsTotal) {
  auto r = List({.page = {1, 1, true}});
  EXPECT_EQ(r["total"], 3);
  EXPECT_EQ(Ids(r), (V{"s3"}));
  EXPECT_TRUE(List({.page = {5, 10, true}})["sessions"].empty());
}

TEST_F(SessionsTest, Filters) {
  EXPECT_EQ(Ids(List({.project = "/work/alpha"})), (V{"s3", "s1"}));
  EXPECT_EQ(Ids(List({.project = "beta"})), (V{"s2"}));
  EXPECT_EQ(List({.project = "nothing"})["total"], 0);
  EXPECT_EQ(Ids(List({.model = "claude-opus"})), (V{"s1"}));
  EXPECT_EQ(List({.model = ""})["total"], 0);
  EXPECT_EQ(Ids(List({.search = "quokkafire"})), (V{"s2"}));
  EXPECT_EQ(List({.search = "\""})["total"], 0);
  EXPECT_EQ(List({.search = "NEAR( AND *"})["total"], 0);
  EXPECT_EQ(Ids(List({.tag = "bug"})), (V{"s3", "s1"}));
  EXPECT_EQ(Ids(List({.active = true})), (V{"s2"}));
  EXPECT_EQ(Ids(List({.active = false})), (V{"s3", "s1"}));
  // Activity in range: started before `to` and last active at or after `from`.
  EXPECT_EQ(Ids(List({.from_ms = kT0 + 10 * kMin, .to_ms = kT0 + 60 * kMin})), (V{"s1"}));
  EXPECT_EQ(Ids(List({.from_ms = kT0 + 10 * kMin + 1, .to_ms = kT0 + 60 * kMin + 1})),
            (V{"s2", "s3"}));
  EXPECT_EQ(Ids(List({.from_ms = kT0 + 71 * kMin})), (V{"s2"}));
}

TEST_F(SessionsTest, SessionFields) {
  auto s = GetSession(seed.db(), "s1", clock);
  EXPECT_EQ(s["title"], "ai");
  EXPECT_EQ(s["models"], (V{"claude-opus", "claude-sonnet"}));
  EXPECT_EQ(s["tags"], (V{"api", "bug"}));
  EXPECT_EQ(s["cache_write_tokens"], 5);
  EXPECT_EQ(s["total_tokens"], 160);
  EXPECT_DOUBLE_EQ(s["estimated_cost_usd"].get<double>(), 1.0);
  EXPECT_EQ(s["duration_seconds"], 660.0);
  EXPECT_EQ(s["is_active"], false);
  EXPECT_EQ(s["started_at"], "2026-09-21T14:13:20.000Z");
  EXPECT_EQ(s["ended_at"], "2026-09-21T14:24:20.000Z");
  EXPECT_EQ(s["commits"], 0);
  EXPECT_TRUE(s["cost_per_commit"].is_null());
  EXPECT_TRUE(s["cwd"].is_null());
  EXPECT_EQ(s["notes"], "");
  auto s2 = GetSession(seed.db(), "s2", clock);
  EXPECT_EQ(s2["title"], "custom");
  EXPECT_EQ(s2["is_active"], true);
  EXPECT_TRUE(s2["ended_at"].is_null());
  EXPECT_TRUE(GetSession(seed.db(), "s3", clock)["title"].is_null());
  EXPECT_TRUE(GetSession(seed.db(), "s3", clock)["models"].empty());
  // The list and the single session agree.
  EXPECT_EQ(List({.project = "beta"})["sessions"][0], s2);
}

TEST_F(SessionsTest, CommitsCountAndCostPerCommit) {
  seed.Exec(
      "INSERT INTO commits(repo_path, hash, session_id, message, committed_at) VALUES "
      "('/r', 'bbb', 's2', 'second', 1790000002000), ('/r', 'aaa', 's2', 'first', "
      "1790000001000)");
  auto s = GetSession(seed.db(), "s2", clock);
  EXPECT_EQ(s["commits"], 2);
  EXPECT_DOUBLE_EQ(s["cost_per_commit"].get<double>(), 1.75);
  auto c = SessionCommits(seed.db(), "s2");
  ASSERT_EQ(c["commits"].size(), 2u);
  EXPECT_EQ(c["commits"][0]["hash"], "aaa");
  EXPECT_EQ(c["commits"][0]["committed_at"], "2026-09-21T14:13:21.000Z");
  EXPECT_TRUE(SessionCommits(seed.db(), "s1")["commits"].empty());
}

TEST_F(SessionsTest, UnknownIdsAre404) {
  for (auto fn : {+[](Db&db, const SessionClock&c) { GetSession(db, "nope", c); },
                  +[](Db&db, const SessionClock&c) { SessionDetail(db, "nope", c, {}); },
                  +[](Db&db, const SessionClock&c) { SessionTimeline(db, "nope", c); },
                  +[](Db&db, const SessionClock&) { SessionCommits(db, "nope"); },
                  +[](Db&db, const SessionClock&c) { UpdateSession(db, "nope", {}, c); }}) {
    try {
      fn(seed.db(), clock);
      ADD_FAILURE() << "expected a 404";
    } catch (const RequestError& e) {
      EXPECT_EQ(e.status(), 404);
    }
  }
}

TEST_F(SessionsTest, DetailListsRowsInTimeOrder) {
  seed.Message({.id = "m0", .session_id = "s2", .text = "first", .timestamp = kT0 + 60 * kMin});
  seed.Message({.id = "m2",
                .session_id = "s2",
                .type = "assistant",
                .kind = "response",
                .text = "answer",
                .timestamp = kT0 + 62 * kMin,
                .output = 9});
  seed.ToolCall({.id = "t1", .session_id = "s2", .timestamp = kT0 + 63 * kMin});
  seed.Exec(
      "INSERT INTO compactions(id, session_id, timestamp, trigger, pre_tokens) VALUES "
      "('c1', 's2', 1790003840000, 'auto', 150000)");
  auto d = SessionDetail(seed.db(), "s2", clock, {});
  EXPECT_EQ(d["session"]["id"], "s2");
  ASSERT_EQ(d["messages"].size(), 3u);
  EXPECT_EQ(d["messages"][0]["id"], "m0");
  EXPECT_EQ(d["messages"][2]["id"], "m2");
  EXPECT_EQ(d["messages_total"], 3);
  EXPECT_EQ(d["tool_calls"].size(), 1u);
  EXPECT_TRUE(d["subagents"].empty());
  ASSERT_EQ(d["compactions"].size(), 1u);
  EXPECT_EQ(d["compactions"][0]["pre_tokens"], 150000);
  auto paged = SessionDetail(seed.db(), "s2", clock, {.messages_limit = 1, .messages_offset = 1});
  ASSERT_EQ(paged["messages"].size(), 1u);
  EXPECT_EQ(paged["messages"][0]["id"], "m1");
  EXPECT_EQ(paged["messages_total"], 3);

  auto t = SessionTimeline(seed.db(), "s2", clock);
  std::vector<std::string> types;
  for (const auto& e : t["events"])
    types.push_back(e["type"]);
  EXPECT_EQ(types,
            (V{"user_message", "user_message", "assistant_message", "tool_call", "compaction"}));
  EXPECT_EQ(t["events"][2]["tokens"], 9);
  EXPECT_EQ(t["events"][3]["tool"], "Bash");
  EXPECT_EQ(t["events"][4]["trigger"], "auto");
  EXPECT_EQ(t["total_tokens"], 10);
  EXPECT_EQ(t["duration_seconds"], 2400.0);
}

TEST(SessionPatchParse, ValidatesAndNormalises) {
  auto p = ParseSessionPatch(
      nlohmann::json::parse(R"({"notes":"n","tags":["  a ", "b", "a", "", "   "]})"));
  EXPECT_EQ(p.notes, "n");
  EXPECT_EQ(p.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(ParseSessionPatch(nlohmann::json::object()).tags.has_value());
  EXPECT_EQ(ParseSessionPatch(nlohmann::json::parse(R"({"tags":null})")).tags->size(), 0u);
  // 64 characters (not bytes) is the limit.
  std::string e64;
  for (int i = 0; i < 64; ++i)
    e64 += "é";
  EXPECT_NO_THROW(ParseSessionPatch({{"tags", {e64}}}));
  auto field_of = [](const nlohmann::json& body) {
    try {
      ParseSessionPatch(body);
    } catch (const RequestError& e) {
      EXPECT_EQ(e.status(), 400);
      return e.field();
    }
    return std::string("no error");
  };
  EXPECT_EQ(field_of({{"tags", {e64 + "x"}}}), "tags");
  EXPECT_EQ(field_of({{"notes", 3}}), "notes");
  EXPECT_EQ(field_of({{"tags", "a"}}), "tags");
  EXPECT_EQ(field_of({{"tags", {1}}}), "tags");
  EXPECT_EQ(field_of({{"title", "x"}}), "title");
  EXPECT_EQ(field_of(nlohmann::json::array()), "body");
}

TEST_F(SessionsTest, UpdateReplacesNotesAndTags) {
  SessionPatch p;
  p.notes = "remember this";
  p.tags = std::vector<std::string>{"zeta", "alpha"};
  auto s = UpdateSession(seed.db(), "s1", p, clock);
  EXPECT_EQ(s["notes"], "remember this");
  EXPECT_EQ(s["tags"], (V{"alpha", "zeta"}));
  SessionPatch only_notes;
  only_notes.notes = "";
  s = UpdateSession(seed.db(), "s1", only_notes, clock);
  EXPECT_EQ(s["notes"], "");
  EXPECT_EQ(s["tags"], (V{"alpha", "zeta"}));
  EXPECT_EQ(Ids(List({.tag = "zeta"})), (V{"s1"}));
  EXPECT_EQ(List({.tag = "api"})["total"], 0);
}

}  // namespace
}  // namespace cs

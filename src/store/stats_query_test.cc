#include "store/stats_query.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/errors.h"
#include "store/prompt_rollup.h"
#include "store/stats_test_seed.h"

namespace cs {
namespace {

using nlohmann::ordered_json;
using stats_test::At;

QueryFilter Utc() {
  QueryFilter f;
  f.tz = TimeZone::Utc();
  return f;
}

double Ratio6(double v) {
  return std::round(v * 1e6) / 1e6;
}

TimeZone Paris() {
  auto tz = TimeZone::Named("Europe/Paris");
  EXPECT_TRUE(tz.has_value());
  return tz.value_or(TimeZone::Utc());
}

// Two projects, three sessions over 2026-10-01 .. 2026-10-03.
class StatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s.Session({.id = "s1",
               .started_at = At("2026-10-01T09:00:00Z"),
               .last_activity_at = At("2026-10-01T23:40:00Z")});
    s.Session({.id = "s2",
               .started_at = At("2026-10-03T10:00:00Z"),
               .last_activity_at = At("2026-10-03T12:00:00Z"),
               .unpriced_messages = 1});
    s.Session({.id = "s3",
               .project_path = "/work/beta",
               .project_name = "beta",
               .started_at = At("2026-10-01T10:00:00Z"),
               .last_activity_at = At("2026-10-01T10:30:00Z"),
               .ended_at = At("2026-10-01T10:31:00Z")});
    // s1: a 10:00 bucket and a 23:30 UTC bucket (01:30 on 10-02 in Paris).
    s.Rollup({.at = At("2026-10-01T10:05:00Z"),
              .session_id = "s1",
              .model = "claude-sonnet-4-5",
              .messages = 2,
              .assistant_messages = 2,
              .input = 100,
              .output = 50,
              .cache_read = 1000,
              .cw5 = 10,
              .cw1h = 5,
              .cost = 0.25});
    s.Rollup({.at = At("2026-10-01T10:05:00Z"),
              .session_id = "s1",
              .model = "",
              .messages = 2,
              .user_prompts = 1,
              .tool_calls = 3,
              .tool_errors = 1});
    s.Rollup({.at = At("2026-10-01T23:30:00Z"),
              .session_id = "s1",
              .model = "claude-opus-4-6",
              .messages = 1,
              .assistant_messages = 1,
              .input = 7,
              .output = 3,
              .cost = 1.5});
    s.Rollup({.at = At("2026-10-01T23:30:00Z"),
              .session_id = "s1",
              .model = "<synthetic>",
              .messages = 1,
              .assistant_messages = 1});
    // s2 on 10-03, with an unpriced model.
    s.Rollup({.at = At("2026-10-03T11:00:00Z"),
              .session_id = "s2",
              .model = "mystery-model",
              .messages = 1,
              .assistant_messages = 1,
              .input = 20,
              .output = 20});
    s.Rollup({.at = At("2026-10-03T11:00:00Z"),
              .session_id = "s2",
              .model = "",
              .messages = 1,
              .user_prompts = 1,
              .tool_calls = 1});
    // s3 (beta) on 10-01.
    s.Rollup({.at = At("2026-10-01T10:20:00Z"),
              .session_id = "s3",
              .model = "claude-sonnet-4-5",
              .project_path = "/work/beta",
              .messages = 1,
              .assistant_messages = 1,
              .input = 1,
              .output = 1,
              .cost = 0.5});
    s.Message({.id = "u-s2",
               .session_id = "s2",
               .type = "assistant",
               .kind = "response",
               .model = "mystery-model",
               .timestamp = At("2026-10-03T11:00:00Z"),
               .priced = false});
  }
  stats_test::StatsStore s;
};

TEST_F(StatsTest, SummaryTodayFilteredAndTotal) {
  QueryFilter f = Utc();
  // "Today" is 2026-10-03 in UTC.
  auto j = StatsSummary(s.db(), f, At("2026-10-03T12:05:00Z"), 15 * 60000);
  EXPECT_EQ(j["period_label"], "today");
  EXPECT_EQ(j["today"]["sessions"], 1);
  EXPECT_EQ(j["today"]["messages"], 2);
  EXPECT_EQ(j["today"]["tool_calls"], 1);
  EXPECT_EQ(j["today"]["total_tokens"], 40);
  EXPECT_EQ(j["total"]["sessions"], 3);
  EXPECT_EQ(j["total"]["messages"], 9);
  EXPECT_EQ(j["total"]["tool_calls"], 4);
  EXPECT_EQ(j["total"]["input_tokens"], 128);
  EXPECT_EQ(j["total"]["output_tokens"], 74);
  EXPECT_EQ(j["total"]["cache_read_tokens"], 1000);
  EXPECT_EQ(j["total"]["cache_write_tokens"], 15);
  EXPECT_EQ(j["total"]["total_tokens"], 128 + 74 + 1000 + 15);
  EXPECT_DOUBLE_EQ(j["total"]["cost_usd"].get<double>(), 2.25);
  EXPECT_EQ(j["active_sessions"], 1);  // s2; s3 ended, s1 too old
  std::vector<std::string> keys;
  for (auto& [k, v] : j.items())
    keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"period_label", "today", "total", "active_sessions"}));

  f.from_ms = At("2026-10-01T00:00:00Z");
  f.to_ms = At("2026-10-02T00:00:00Z");
  j = StatsSummary(s.db(), f, At("2026-10-03T12:05:00Z"), 15 * 60000);
  EXPECT_EQ(j["period_label"], "filtered");
  EXPECT_FALSE(j.contains("today"));
  EXPECT_EQ(j["filtered"]["sessions"], 2);
  EXPECT_DOUBLE_EQ(j["filtered"]["cost_usd"].get<double>(), 2.25);
  EXPECT_EQ(j["total"]["sessions"], 3);  // total ignores from/to
}

TEST_F(StatsTest, SummaryProjectByPathAndName) {
  QueryFilter f = Utc();
  f.project = "/work/beta";
  auto j = StatsSummary(s.db(), f, At("2026-10-03T12:05:00Z"), 15 * 60000);
  EXPECT_EQ(j["total"]["sessions"], 1);
  EXPECT_DOUBLE_EQ(j["total"]["cost_usd"].get<double>(), 0.5);
  f.project = "alpha";  // no such path: the name
  j = StatsSummary(s.db(), f, At("2026-10-03T12:05:00Z"), 15 * 60000);
  EXPECT_EQ(j["total"]["sessions"], 2);
  EXPECT_EQ(j["active_sessions"], 1);
  f.project = "nope";
  j = StatsSummary(s.db(), f, At("2026-10-03T12:05:00Z"), 15 * 60000);
  EXPECT_EQ(j["total"]["sessions"], 0);
  EXPECT_EQ(j["total"]["cost_usd"], 0.0);
  EXPECT_EQ(j["active_sessions"], 0);
}

TEST_F(StatsTest, DailyZeroFillsAndEndsToday) {
  QueryFilter f = Utc();
  auto j = DailyStats(s.db(), f, 5, At("2026-10-04T08:00:00Z"));
  ASSERT_EQ(j.size(), 5u);
  EXPECT_EQ(j[0]["date"], "2026-09-30");
  EXPECT_EQ(j[4]["date"], "2026-10-04");
  EXPECT_EQ(j[0]["sessions"], 0);
  EXPECT_EQ(j[0]["cost_usd"], 0.0);
  EXPECT_EQ(j[1]["date"], "2026-10-01");
  EXPECT_EQ(j[1]["sessions"], 2);
  EXPECT_EQ(j[1]["messages"], 7);
  EXPECT_EQ(j[1]["tool_calls"], 3);
  EXPECT_DOUBLE_EQ(j[1]["cost_usd"].get<double>(), 2.25);
  EXPECT_EQ(j[2]["sessions"], 0);  // 10-02: an empty day between
  EXPECT_EQ(j[2]["total_tokens"], 0);
  EXPECT_EQ(j[3]["sessions"], 1);
  EXPECT_EQ(j[3]["total_tokens"], 40);
  std::vector<std::string> keys;
  for (auto& [k, v] : j[0].items())
    keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"date", "sessions", "messages", "tool_calls",
                                            "input_tokens", "output_tokens", "cache_read_tokens",
                                            "cache_write_tokens", "total_tokens", "cost_usd"}));
  // Default: 90 days.
  EXPECT_EQ(DailyStats(s.db(), f, std::nullopt, At("2026-10-04T08:00:00Z")).size(), 90u);
}

TEST_F(StatsTest, DailyTimeZoneMovesLateBucketToNextDay) {
  QueryFilter f;
  f.tz = Paris();
  auto j = DailyStats(s.db(), f, 3, At("2026-10-03T08:00:00Z"));
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["date"], "2026-10-01");
  EXPECT_DOUBLE_EQ(j[0]["cost_usd"].get<double>(), 0.75);  // 10:05 and 10:20 UTC buckets
  EXPECT_EQ(j[1]["date"], "2026-10-02");
  EXPECT_DOUBLE_EQ(j[1]["cost_usd"].get<double>(), 1.5);  // 23:30 UTC = 01:30 in Paris
  EXPECT_EQ(j[1]["sessions"], 1);
  EXPECT_EQ(j[1]["messages"], 2);
}

TEST_F(StatsTest, DailyFromToAndProject) {
  QueryFilter f = Utc();
  f.from_ms = At("2026-10-01T00:00:00Z");
  f.to_ms = At("2026-10-03T00:00:00Z");  // i.e. to=2026-10-02 inclusive
  auto j = DailyStats(s.db(), f, std::nullopt, At("2026-11-20T00:00:00Z"));
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["date"], "2026-10-01");
  EXPECT_EQ(j[1]["date"], "2026-10-02");
  f.project = "/work/beta";
  j = DailyStats(s.db(), f, std::nullopt, At("2026-11-20T00:00:00Z"));
  EXPECT_EQ(j[0]["sessions"], 1);
  EXPECT_DOUBLE_EQ(j[0]["cost_usd"].get<double>(), 0.5);
  // days caps the span ending at `to`.
  f.project.reset();
  j = DailyStats(s.db(), f, 1, At("2026-11-20T00:00:00Z"));
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["date"], "2026-10-02");
}

TEST_F(StatsTest, ModelFilterNarrowsRollupFigures) {
  QueryFilter f = Utc();
  f.model = "claude-sonnet-4-5";
  auto j = DailyStats(s.db(), f, 3, At("2026-10-03T08:00:00Z"));
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["sessions"], 2);
  EXPECT_EQ(j[0]["messages"], 3);
  EXPECT_EQ(j[0]["tool_calls"], 0);
  EXPECT_DOUBLE_EQ(j[0]["cost_usd"].get<double>(), 0.75);
  auto sum = StatsSummary(s.db(), f, At("2026-10-03T08:00:00Z"), 15 * 60000);
  EXPECT_DOUBLE_EQ(sum["total"]["cost_usd"].get<double>(), 0.75);
}

TEST_F(StatsTest, ModelsByCostWithoutSyntheticAndWithUnpricedFlag) {
  auto j = ModelStats(s.db(), Utc());
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["name"], "claude-opus-4-6");
  EXPECT_EQ(j[1]["name"], "claude-sonnet-4-5");
  EXPECT_EQ(j[1]["messages"], 3);
  EXPECT_EQ(j[1]["cache_write_tokens"], 15);
  EXPECT_DOUBLE_EQ(j[1]["cost_usd"].get<double>(), 0.75);
  EXPECT_EQ(j[2]["name"], "mystery-model");
  EXPECT_EQ(j[2]["unpriced"], true);
  EXPECT_EQ(j[0]["unpriced"], false);
}

TEST_F(StatsTest, ProjectsWithCommits) {
  s.Commit("/work/alpha", "abc", "s1", At("2026-10-01T12:00:00Z"));
  s.Commit("/work/alpha", "def", "s1", At("2026-10-01T13:00:00Z"));
  auto j = ProjectStats(s.db(), Utc());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["path"], "/work/alpha");
  EXPECT_EQ(j[0]["name"], "alpha");
  EXPECT_EQ(j[0]["sessions"], 2);
  EXPECT_DOUBLE_EQ(j[0]["cost_usd"].get<double>(), 1.75);
  EXPECT_EQ(j[0]["commits"], 2);
  EXPECT_DOUBLE_EQ(j[0]["cost_per_commit"].get<double>(), 0.875);
  EXPECT_EQ(j[0]["last_activity_at"], "2026-10-03T12:00:00.000Z");
  EXPECT_EQ(j[1]["path"], "/work/beta");
  EXPECT_EQ(j[1]["commits"], 0);
  EXPECT_TRUE(j[1]["cost_per_commit"].is_null());
}

TEST_F(StatsTest, TokenEfficiencyUsesInputMinusCacheReadPrice) {
  ModelPrice sonnet;
  sonnet.family = "claude-sonnet-4-5";
  sonnet.rates = TokenRates{3.0, 15.0, 3.75, 6.0, 0.3};
  PriceBook book("2026-01-01", {sonnet}, 10.0);
  auto j = TokenEfficiency(s.db(), Utc(), book);
  // cache_read 1000, cache_write 15, input 128.
  EXPECT_DOUBLE_EQ(j["cache_hit_rate"].get<double>(), Ratio6(1000.0 / 1143.0));
  EXPECT_EQ(j["cache_savings_tokens"], 1000);
  EXPECT_DOUBLE_EQ(j["cache_savings_usd"].get<double>(), 0.0027);
  EXPECT_DOUBLE_EQ(j["avg_tokens_per_tool_call"].get<double>(), Ratio6(1217.0 / 4.0));
  ASSERT_EQ(j["efficiency_by_model"].size(), 3u);  // <synthetic> left out
  EXPECT_EQ(j["efficiency_by_model"][0]["model"], "claude-sonnet-4-5");
}

TEST(StatsPrompts, WholeWordCategories) {
  EXPECT_EQ(PromptCategory("Fix the failing test"), "bug_fix");
  EXPECT_EQ(PromptCategory("prefix every name with cs_"), "other");
  EXPECT_EQ(PromptCategory("write unit tests for parser.cc"), "testing");
  EXPECT_EQ(PromptCategory("attest the contestants"), "other");
  EXPECT_EQ(PromptCategory("REFACTOR this"), "refactor");
  EXPECT_EQ(PromptCategory("update the README for the new flag"), "docs");
  EXPECT_EQ(PromptCategory("review auth.cc for security issues"), "review");
  EXPECT_EQ(PromptCategory("set up the docker compose file"), "devops");
  EXPECT_EQ(PromptCategory("add a retry with backoff"), "feature");
  EXPECT_EQ(PromptCategory("explain how it works"), "explain");
  EXPECT_EQ(PromptCategory("why?"), "explain");
  EXPECT_EQ(PromptCategory(""), "other");
}

TEST(StatsPrompts, CountsAverageCostAndTrends) {
  stats_test::StatsStore s;
  s.Session({.id = "a"});
  s.Session({.id = "b", .project_path = "/work/beta", .project_name = "beta"});
  s.Message({.id = "p1",
             .session_id = "a",
             .text = "fix the crash",
             .timestamp = At("2026-10-01T10:00:00Z")});
  s.Message({.id = "r1",
             .session_id = "a",
             .type = "assistant",
             .kind = "response",
             .timestamp = At("2026-10-01T10:01:00Z"),
             .cost = 0.5});
  s.Message({.id = "r2",
             .session_id = "a",
             .type = "assistant",
             .kind = "response",
             .timestamp = At("2026-10-01T10:02:00Z"),
             .sidechain = true,
             .cost = 0.25});
  // Not human prompts: ignored (and they do not end the previous prompt's answer).
  s.Message({.id = "x1",
             .session_id = "a",
             .kind = "tool_result",
             .text = "add",
             .timestamp = At("2026-10-01T10:03:00Z")});
  s.Message({.id = "x2",
             .session_id = "a",
             .text = "add things",
             .timestamp = At("2026-10-01T10:03:30Z"),
             .sidechain = true});
  s.Message({.id = "p2",
             .session_id = "a",
             .text = "now add a button",
             .timestamp = At("2026-10-03T10:00:00Z")});
  s.Message({.id = "r3",
             .session_id = "a",
             .type = "assistant",
             .kind = "response",
             .timestamp = At("2026-10-03T10:01:00Z"),
             .cost = 1.0});
  s.Message(
      {.id = "p3", .session_id = "b", .text = "fix it", .timestamp = At("2026-10-03T11:00:00Z")});
  RebuildPromptRollup(s.db());  // seeded rows bypass the writer, which keeps the rollup
  auto j = PromptPatterns(s.db(), Utc());
  ASSERT_EQ(j["categories"].size(), 9u);
  EXPECT_EQ(j["categories"][0]["name"], "bug_fix");
  EXPECT_EQ(j["categories"][0]["count"], 2);
  EXPECT_DOUBLE_EQ(j["categories"][0]["percentage"].get<double>(), 66.67);
  EXPECT_DOUBLE_EQ(j["categories"][0]["avg_cost_usd"].get<double>(), 0.375);
  EXPECT_EQ(j["categories"][1]["name"], "feature");
  EXPECT_DOUBLE_EQ(j["categories"][1]["avg_cost_usd"].get<double>(), 1.0);
  EXPECT_EQ(j["categories"][2]["count"], 0);
  ASSERT_EQ(j["trends"].size(), 3u);  // 10-01 .. 10-03, zero-filled
  EXPECT_EQ(j["trends"][0]["date"], "2026-10-01");
  EXPECT_EQ(j["trends"][0]["counts"]["bug_fix"], 1);
  EXPECT_EQ(j["trends"][1]["counts"]["bug_fix"], 0);
  EXPECT_EQ(j["trends"][2]["counts"]["feature"], 1);
  EXPECT_EQ(j["trends"][2]["counts"]["bug_fix"], 1);
  QueryFilter f = Utc();
  f.project = "beta";
  j = PromptPatterns(s.db(), f);
  EXPECT_EQ(j["categories"][0]["count"], 1);
  EXPECT_EQ(j["trends"].size(), 1u);
}

class ToolStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    s.Session({.id = "a", .project_path = "/home/dev/app", .project_name = "app"});
    s.Session({.id = "b", .project_path = "/home/dev/other", .project_name = "other"});
    int n = 0;
    auto call = [&](const std::string& sid, const char* name, int64_t success, const char* ts,
                    std::optional<int64_t> dur = {}, std::optional<std::string> err = {},
                    std::optional<std::string> input = "{}", std::optional<std::string> file = {}) {
      s.ToolCall({.id = "t" + std::to_string(++n),
                  .session_id = sid,
                  .name = name,
                  .input = input,
                  .file_path = file,
                  .success = success,
                  .error = err,
                  .duration_ms = dur,
                  .timestamp = At(ts)});
    };
    for (int i = 1; i <= 20; ++i)
      call("a", "Bash", 1, "2026-10-01T10:00:00Z", i * 10);
    call("a", "Bash", 0, "2026-10-01T10:00:00Z", {}, "Exit code 1\nmake: *** [all] Error 2");
    call("a", "Bash", 0, "2026-10-02T10:00:00Z", {}, "Exit code 127");
    call("a", "Read", 0, "2026-10-02T11:00:00Z", {}, "File does not exist: /home/dev/app/src/x.cc",
         R"({"file_path":"/home/dev/app/src/x.cc"})", "/home/dev/app/src/x.cc");
    call("a", "Read", 1, "2026-10-02T11:00:00Z", 5, {}, "{}", "/home/dev/app/src/x.cc");
    call("a", "Read", 1, "2026-10-02T11:00:00Z", 5, {}, "{}", "/home/dev/app/README.md");
    call("a", "Read", 1, "2026-10-02T11:00:00Z", 5, {}, "{}", "/etc/passwd");
    call("a", "Edit", 1, "2026-10-02T11:00:00Z", 5, {}, "{}", "/home/dev/app/src/x.cc");
    call("a", "Write", 1, "2026-10-02T11:00:00Z", 5, {}, "{}", "/home/dev/app/src/y.cc");
    call("a", "Grep", 1, "2026-10-02T11:00:00Z", 5, {},
         R"({"pattern":"x","path":"/home/dev/app"})");
    call("a", "Glob", 1, "2026-10-02T11:00:00Z", 5, {}, R"({"pattern":"*","path":"src"})");
    call("a", "Skill", 1, "2026-10-02T11:00:00Z", 5, {}, R"({"skill":"pdf"})");
    call("a", "mcp__github__get_issue", 1, "2026-10-02T11:00:00Z");
    call("a", "mcp__github__get_issue", 0, "2026-10-02T11:00:00Z", {}, "rate limited");
    call("a", "mcp__github__list_prs", 1, "2026-10-02T11:00:00Z");
    call("b", "mcp__linear_app__create", 1, "2026-10-02T11:00:00Z");
    call("b", "Read", 1, "2026-10-02T12:00:00Z", 5, {}, "{}", "/home/dev/other/x.cc");
    s.ToolCall({.id = "orphan", .session_id = "a", .name = std::nullopt, .success = 0});
    s.Message(
        {.id = "c1",
         .session_id = "a",
         .kind = "command",
         .text = "<command-name>/review</command-name><command-message>review</command-message>",
         .timestamp = At("2026-10-02T11:00:00Z")});
    s.Message({.id = "c2",
               .session_id = "b",
               .kind = "command",
               .text = "<command-name>/review</command-name>",
               .timestamp = At("2026-10-02T11:00:00Z")});
    s.Subagent("a", "ag1", "Explore");
    s.Subagent("a", "ag2", "Explore");
    s.Subagent("a", "ag3", std::nullopt);
  }
  stats_test::StatsStore s;
};

TEST_F(ToolStatsTest, ToolsByCallsWithPercentiles) {
  auto j = ToolStats(s.db(), Utc());
  ASSERT_GE(j.size(), 3u);
  EXPECT_EQ(j[0]["name"], "Bash");
  EXPECT_EQ(j[0]["calls"], 22);
  EXPECT_EQ(j[0]["errors"], 2);
  EXPECT_DOUBLE_EQ(j[0]["success_rate"].get<double>(), 0.909091);
  EXPECT_DOUBLE_EQ(j[0]["avg_duration_ms"].get<double>(), 105.0);
  EXPECT_EQ(j[0]["p95_duration_ms"], 190);
  EXPECT_EQ(j[1]["name"], "Read");
  EXPECT_EQ(j[1]["calls"], 5);
  for (auto& row : j)
    EXPECT_NE(row["name"], nullptr);
  // Ties by name: Edit before Glob before Grep ...
  QueryFilter f = Utc();
  f.from_ms = At("2026-10-02T00:00:00Z");
  j = ToolStats(s.db(), f);
  EXPECT_EQ(j[0]["name"], "Read");
  EXPECT_EQ(j[1]["name"], "mcp__github__get_issue");
  EXPECT_EQ(j[2]["name"], "Bash");
  EXPECT_TRUE(j[1]["avg_duration_ms"].is_null());
  f.project = "other";
  j = ToolStats(s.db(), f);
  ASSERT_EQ(j.size(), 2u);
}

TEST_F(ToolStatsTest, SkillsAndMcp) {
  auto skills = SkillStats(s.db(), Utc());
  ASSERT_EQ(skills.size(), 2u);
  EXPECT_EQ(skills[0], (ordered_json{{"name", "/review"}, {"count", 2}, {"source", "command"}}));
  EXPECT_EQ(skills[1], (ordered_json{{"name", "pdf"}, {"count", 1}, {"source", "tool"}}));
  auto mcp = McpStats(s.db(), Utc());
  ASSERT_EQ(mcp["servers"].size(), 2u);
  EXPECT_EQ(mcp["servers"][0]["name"], "github");
  EXPECT_EQ(mcp["servers"][0]["calls"], 3);
  EXPECT_EQ(mcp["servers"][0]["errors"], 1);
  EXPECT_EQ(mcp["servers"][0]["tools"][0], (ordered_json{{"name", "get_issue"}, {"calls", 2}}));
  EXPECT_EQ(mcp["servers"][1]["name"], "linear_app");
  EXPECT_EQ(mcp["servers"][1]["tools"][0]["name"], "create");
}

TEST_F(ToolStatsTest, ErrorsPatternsAndTrend) {
  auto j = ErrorStats(s.db(), Utc(), At("2026-10-05T09:00:00Z"));
  EXPECT_EQ(j["total_errors"], 4);
  EXPECT_EQ(j["total_calls"], 36);
  EXPECT_DOUBLE_EQ(j["error_rate"].get<double>(), 0.111111);
  ASSERT_EQ(j["errors_by_tool"].size(), 3u);
  EXPECT_EQ(j["errors_by_tool"][0]["tool"], "Bash");
  EXPECT_EQ(j["errors_by_tool"][0]["errors"], 2);
  EXPECT_EQ(j["errors_by_tool"][0]["total"], 22);
  // "Exit code 1 ..." and "Exit code 127" differ beyond the number: two patterns.
  auto& common = j["common_errors"];
  ASSERT_EQ(common.size(), 4u);
  bool saw_path = false;
  for (auto& c : common) {
    if (c["pattern"] == "File does not exist: /home/dev/app/src/x.cc") {
      saw_path = true;
      EXPECT_EQ(c["tools"], (ordered_json{"Read"}));
    }
  }
  EXPECT_TRUE(saw_path);
  ASSERT_EQ(j["error_trend"].size(), 30u);
  EXPECT_EQ(j["error_trend"][29]["date"], "2026-10-05");
  EXPECT_EQ(j["error_trend"][25]["date"], "2026-10-01");
  EXPECT_EQ(j["error_trend"][25]["errors"], 1);
  EXPECT_EQ(j["error_trend"][25]["total"], 21);
  EXPECT_EQ(j["error_trend"][26]["errors"], 3);
  EXPECT_EQ(j["error_trend"][28]["total"], 0);
}

TEST_F(ToolStatsTest, ErrorPatternsGroupVariants) {
  s.ToolCall({.id = "e1",
              .session_id = "a",
              .name = "Read",
              .success = 0,
              .error = "File does not exist: /home/dev/app/other.cc",
              .timestamp = At("2026-10-02T12:00:00Z")});
  auto j = ErrorStats(s.db(), Utc(), At("2026-10-05T09:00:00Z"));
  auto& top = j["common_errors"][0];
  EXPECT_EQ(top["count"], 2);
  EXPECT_EQ(top["pattern"], "File does not exist: /home/dev/app/src/x.cc");  // the first seen
}

TEST_F(ToolStatsTest, FileHeatmapRelativePaths) {
  QueryFilter f = Utc();
  f.project = "/home/dev/app";
  auto j = FileHeatmap(s.db(), f);
  auto& files = j["files"];
  ASSERT_EQ(files.size(), 5u);  // src/x.cc, ".", README.md, src, src/y.cc; /etc/passwd left out
  EXPECT_EQ(files[0], (ordered_json{{"path", "src/x.cc"},
                                    {"reads", 2},
                                    {"writes", 0},
                                    {"edits", 1},
                                    {"searches", 0},
                                    {"total", 3}}));
  EXPECT_EQ(files[1]["path"], ".");
  EXPECT_EQ(files[1]["searches"], 1);
  EXPECT_EQ(files[2]["path"], "README.md");
  EXPECT_EQ(files[3]["path"], "src");
  EXPECT_EQ(files[4]["path"], "src/y.cc");
  for (auto& file : files)
    EXPECT_NE(file["path"].get<std::string>().front(), '/');
  auto& dirs = j["directories"];
  ASSERT_EQ(dirs.size(), 2u);
  EXPECT_EQ(dirs[0], (ordered_json{{"path", "src"}, {"total", 4}}));
  EXPECT_EQ(dirs[1], (ordered_json{{"path", "."}, {"total", 3}}));
  f.project.reset();
  EXPECT_THROW(FileHeatmap(s.db(), f), RequestError);
}

TEST_F(ToolStatsTest, Breakdowns) {
  auto j = SessionBreakdown(s.db(), "a");
  EXPECT_EQ(j["tools"][0], (ordered_json{{"name", "Bash"}, {"count", 22}}));
  EXPECT_EQ(j["skills"],
            (ordered_json{{{"name", "/review"}, {"count", 1}}, {{"name", "pdf"}, {"count", 1}}}));
  EXPECT_EQ(j["mcp_servers"], (ordered_json{{{"name", "github"}, {"count", 3}}}));
  EXPECT_EQ(j["agents"], (ordered_json{{{"name", "Explore"}, {"count", 2}},
                                       {{"name", "unknown"}, {"count", 1}}}));
  try {
    SessionBreakdown(s.db(), "missing");
    FAIL() << "expected a 404";
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status(), 404);
  }
  QueryFilter f = Utc();
  f.project = "other";
  j = ProjectBreakdown(s.db(), f);
  EXPECT_EQ(j["tools"].size(), 2u);
  EXPECT_EQ(j["mcp_servers"], (ordered_json{{{"name", "linear_app"}, {"count", 1}}}));
  EXPECT_EQ(j["agents"].size(), 0u);
}

TEST_F(StatsTest, ActiveSessions) {
  auto j = ActiveSessions(s.db(), Utc(), At("2026-10-03T12:10:00Z"), 15 * 60000);
  EXPECT_EQ(j["count"], 1);
  ASSERT_EQ(j["sessions"].size(), 1u);
  EXPECT_EQ(j["sessions"][0]["id"], "s2");
  EXPECT_EQ(j["sessions"][0]["last_activity_at"], "2026-10-03T12:00:00.000Z");
  j = ActiveSessions(s.db(), Utc(), At("2026-10-03T12:20:00Z"), 15 * 60000);
  EXPECT_EQ(j["count"], 0);
}

}  // namespace
}  // namespace cs

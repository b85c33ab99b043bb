#include "store/messages_query.h"

#include <gtest/gtest.h>

#include "store/test_seed.h"

// Rows and filters are written with designated initializers that leave the other fields at
// their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace cs {
namespace {

using test::kT0;

class MessagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed.Session({.id = "s1"});
    seed.Session({.id = "s2"});
    seed.Message({.id = "u1", .session_id = "s1", .text = "hi", .timestamp = kT0});
    seed.Message({.id = "a1",
                  .session_id = "s1",
                  .type = "assistant",
                  .kind = "response",
                  .model = "m",
                  .text = "hello",
                  .timestamp = kT0 + 10,
                  .input = 3,
                  .output = 4,
                  .cost = 0.12345678});
    seed.Message({.id = "u2", .session_id = "s2", .text = "x", .timestamp = kT0 + 5});
    // Same time as u2: the tie is broken by insertion order.
    seed.Message({.id = "y1",
                  .session_id = "s2",
                  .type = "system",
                  .kind = "compact_boundary",
                  .timestamp = kT0 + 5});
  }
  static std::vector<std::string> Ids(const nlohmann::ordered_json& list) {
    std::vector<std::string> out;
    for (const auto& r : list)
      out.push_back(r["id"]);
    return out;
  }
  test::SeedStore seed;
};

TEST_F(MessagesTest, OrderAndPaging) {
  auto all = ListMessages(seed.db(), {.page = {50, 0, false}});
  EXPECT_EQ(all["total"], 4);
  EXPECT_EQ(Ids(all["messages"]), (std::vector<std::string>{"u1", "u2", "y1", "a1"}));
  auto desc = ListMessages(seed.db(), {.page = {2, 1, true}});
  EXPECT_EQ(desc["total"], 4);
  EXPECT_EQ(desc["limit"], 2);
  EXPECT_EQ(desc["offset"], 1);
  EXPECT_EQ(Ids(desc["messages"]), (std::vector<std::string>{"y1", "u2"}));
  auto beyond = ListMessages(seed.db(), {.page = {10, 100, false}});
  EXPECT_EQ(beyond["total"], 4);
  EXPECT_TRUE(beyond["messages"].empty());
}

TEST_F(MessagesTest, FiltersAndFields) {
  auto r = ListMessages(seed.db(), {.session_id = "s1", .type = "assistant"});
  ASSERT_EQ(r["total"], 1);
  const auto& m = r["messages"][0];
  EXPECT_EQ(m["id"], "a1");
  EXPECT_EQ(m["type"], "assistant");
  EXPECT_EQ(m["kind"], "response");
  EXPECT_EQ(m["model"], "m");
  EXPECT_EQ(m["content_text"], "hello");
  EXPECT_EQ(m["input_tokens"], 3);
  EXPECT_EQ(m["output_tokens"], 4);
  EXPECT_EQ(m["cache_write_tokens"], 0);
  EXPECT_DOUBLE_EQ(m["cost_usd"].get<double>(), 0.123457);
  EXPECT_EQ(m["is_sidechain"], false);
  EXPECT_TRUE(m["parent_id"].is_null());
  EXPECT_EQ(m["timestamp"], "2026-09-21T14:13:20.010Z");
  EXPECT_EQ(ListMessages(seed.db(), {.session_id = "nope"})["total"], 0);
}

TEST(ToolCallsQuery, ListsOnlySeenCallsWithParsedInput) {
  test::SeedStore seed;
  seed.ToolCall({.id = "t1", .session_id = "s1", .success = 1, .timestamp = kT0});
  seed.ToolCall({.id = "t2",
                 .session_id = "s1",
                 .tool_name = "Read",
                 .input = "not json",
                 .success = 0,
                 .timestamp = kT0 + 1,
                 .duration_ms = 7});
  seed.ToolCall({.id = "t3",
                 .session_id = "s2",
                 .tool_name = std::nullopt,
                 .input = std::nullopt,
                 .success = 1,
                 .timestamp = kT0 + 2});
  seed.ToolCall({.id = "t4", .session_id = "s2", .timestamp = kT0 + 3});
  auto all = ListToolCalls(seed.db(), {.page = {50, 0, false}});
  EXPECT_EQ(all["total"], 3);
  ASSERT_EQ(all["tool_calls"].size(), 3u);
  EXPECT_EQ(all["tool_calls"][0]["input"], nlohmann::ordered_json({{"command", "ls"}}));
  EXPECT_EQ(all["tool_calls"][0]["success"], true);
  EXPECT_TRUE(all["tool_calls"][1]["input"].is_null());
  EXPECT_EQ(all["tool_calls"][1]["duration_ms"], 7);
  EXPECT_TRUE(all["tool_calls"][2]["success"].is_null());
  EXPECT_EQ(ListToolCalls(seed.db(), {.tool_name = "Bash"})["total"], 2);
  EXPECT_EQ(ListToolCalls(seed.db(), {.success = false})["total"], 1);
  EXPECT_EQ(ListToolCalls(seed.db(), {.success = true})["total"], 1);
  EXPECT_EQ(ListToolCalls(seed.db(), {.session_id = "s2"})["total"], 1);
  auto desc = ListToolCalls(seed.db(), {.page = {1, 0, true}});
  EXPECT_EQ(desc["tool_calls"][0]["id"], "t4");
}

TEST(SubagentsQuery, ListsWithTotals) {
  test::SeedStore seed;
  seed.Exec(
      "INSERT INTO subagents(session_id, id, agent_type, started_at, input_tokens, "
      "output_tokens, cache_read_tokens, cache_write_tokens, cost_usd) VALUES "
      "('s1', 'a2', 'Explore', 1790000000000, 1, 2, 3, 4, 0.5), "
      "('s1', 'a1', NULL, 1790000000000, 0, 0, 0, 0, 0), "
      "('s2', 'a3', 'Plan', 1790000001000, 0, 0, 0, 0, 0)");
  auto r = ListSubagents(seed.db(), {.session_id = "s1"});
  EXPECT_EQ(r["total"], 2);
  ASSERT_EQ(r["subagents"].size(), 2u);
  EXPECT_EQ(r["subagents"][0]["id"], "a1");
  EXPECT_EQ(r["subagents"][1]["total_tokens"], 10);
  EXPECT_EQ(r["subagents"][1]["estimated_cost_usd"], 0.5);
  EXPECT_EQ(r["subagents"][1]["agent_type"], "Explore");
  EXPECT_EQ(ListSubagents(seed.db(), {.page = {50, 0, true}})["subagents"][0]["id"], "a3");
}

TEST(SubagentsQuery, FiltersOnTheStartAndTheSessionsProjectAndModel) {
  test::SeedStore seed;
  seed.Session({.id = "s1"});  // /work/alpha
  seed.Session({.id = "s2", .project_path = "/work/beta", .project_name = "beta"});
  seed.Rollup("s2", "claude-x");
  seed.Exec(
      "INSERT INTO subagents(session_id, id, started_at) VALUES "
      "('s1', 'a1', 1790000000000), ('s1', 'a2', 1790000001000), "
      "('s2', 'b1', 1790000001000), ('s2', 'b2', 1790000002000), ('s2', 'b3', NULL)");
  auto ids = [&](const SubagentListFilter& f) {
    auto r = ListSubagents(seed.db(), f);
    std::vector<std::string> out;
    for (const auto& a : r["subagents"])
      out.push_back(a["id"]);
    EXPECT_EQ(r["total"], out.size());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids({}), (V{"b3", "a1", "a2", "b1", "b2"}));  // an unknown start sorts first
  EXPECT_EQ(ids({.project = "/work/beta"}), (V{"b3", "b1", "b2"}));
  EXPECT_EQ(ids({.project = "alpha"}), (V{"a1", "a2"}));  // the name when no path matches
  EXPECT_EQ(ids({.project = "/work/gamma"}), V{});
  EXPECT_EQ(ids({.model = "claude-x"}), (V{"b3", "b1", "b2"}));
  EXPECT_EQ(ids({.model = "claude-y"}), V{});
  EXPECT_EQ(ids({.from_ms = kT0 + 1000}), (V{"a2", "b1", "b2"}));
  EXPECT_EQ(ids({.to_ms = kT0 + 2000}), (V{"a1", "a2", "b1"}));  // `to` is exclusive
  EXPECT_EQ(ids({.project = "/work/beta", .from_ms = kT0 + 1000, .to_ms = kT0 + 2000}), V{"b1"});
  EXPECT_EQ(ids({.session_id = "s1", .from_ms = kT0 + 1}), V{"a2"});
}

}  // namespace
}  // namespace cs

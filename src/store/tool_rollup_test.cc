#include "store/tool_rollup.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "store/schema.h"
#include "store/test_seed.h"

namespace cs {
namespace {

using Rows = std::vector<std::tuple<int64_t, std::string, int64_t, int64_t>>;

// The triggers' table without its emptied rows, and what a rebuild from tool_calls gives.
Rows Kept(Db& db) {
  Rows out;
  Stmt q(db,
         "SELECT bucket, tool_name, calls, errors FROM tool_rollup WHERE calls != 0 OR "
         "errors != 0 ORDER BY 1, 2");
  while (q.Step())
    out.emplace_back(q.Int(0), q.Text(1), q.Int(2), q.Int(3));
  return out;
}

TEST(ToolRollupTest, TheTriggersKeepWhatARebuildComputesThroughEveryKindOfChange) {
  auto db = OpenStore(":memory:");
  std::mt19937 rng(7);
  auto pick = [&](int n) { return int(rng() % unsigned(n)); };
  const char* names[] = {"Bash", "Read", "mcp__gh__get_issue"};
  auto value = [&](int i) -> std::string { return "'" + std::string(names[i]) + "'"; };
  int next = 0;
  for (int step = 0; step < 400; ++step) {
    const std::string id = "'t" + std::to_string(next > 0 ? pick(next) : 0) + "'";
    const std::string name = pick(4) == 0 ? "NULL" : value(pick(3));
    const std::string success = pick(3) == 0 ? "NULL" : std::to_string(pick(2));
    // Times in a few buckets (one 15-minute boundary apart), sometimes none.
    const std::string ts = pick(5) == 0 ? "NULL" : std::to_string(899000 + pick(3) * 1000);
    switch (pick(6)) {
      case 0:
      case 1:  // a call, or its result first (no name yet)
        db->Exec(
            "INSERT INTO tool_calls(id, session_id, tool_name, success, timestamp) VALUES "
            "('t" +
            std::to_string(next++) + "', 's', " + name + ", " + success + ", " + ts + ")");
        break;
      case 2:  // the call arrives after its result
        db->Exec("UPDATE tool_calls SET tool_name = " + name + ", timestamp = " + ts +
                 " WHERE id = " + id);
        break;
      case 3:  // the result arrives
        db->Exec("UPDATE tool_calls SET success = " + success + " WHERE id = " + id);
        break;
      case 4:  // a column the rollup does not count
        db->Exec("UPDATE tool_calls SET duration_ms = 5 WHERE id = " + id);
        break;
      default:
        db->Exec("DELETE FROM tool_calls WHERE id = " + id);
    }
    ASSERT_EQ(Kept(*db), test::ReadRebuilt(*db, RebuildToolRollup, Kept)) << "after step " << step;
  }
  EXPECT_FALSE(Kept(*db).empty());
}

}  // namespace
}  // namespace cs

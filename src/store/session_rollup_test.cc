#include "store/session_rollup.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "store/schema.h"
#include "store/test_seed.h"

namespace cs {
namespace {

using SessionRow = std::tuple<int64_t, std::string, int64_t, int64_t, int64_t, int64_t, double>;

// The triggers' rows that still stand for a usage_rollup row, and what a rebuild gives.
std::vector<SessionRow> KeptSessions(Db& db) {
  std::vector<SessionRow> out;
  Stmt q(db,
         "SELECT bucket, session_id, parts, messages, input_tokens, cache_write_tokens, cost_usd "
         "FROM session_rollup WHERE parts > 0 ORDER BY 1, 2");
  while (q.Step())
    out.emplace_back(q.Int(0), q.Text(1), q.Int(2), q.Int(3), q.Int(4), q.Int(5), q.Real(6));
  return out;
}

TEST(SessionRollupTest, TheTriggersKeepWhatARebuildComputesThroughUpsertsUpdatesAndDeletes) {
  auto db = OpenStore(":memory:");
  std::mt19937 rng(11);
  auto pick = [&](int n) { return int(rng() % unsigned(n)); };
  for (int step = 0; step < 400; ++step) {
    const std::string bucket = std::to_string(900000 * pick(3));
    const std::string session = std::string("'s") + char('0' + pick(3)) + "'";
    const std::string model = pick(2) ? "'claude-x'" : "''";
    const std::string n = std::to_string(pick(5)), cost = std::to_string(pick(8) * 0.25);
    const std::string key =
        "bucket = " + bucket + " AND session_id = " + session + " AND model = " + model;
    switch (pick(4)) {
      case 0:
      case 1:  // the ingest writer's upsert
        db->Exec(
            "INSERT INTO usage_rollup(bucket, session_id, model, project_path, messages, "
            "input_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cost_usd) VALUES(" +
            bucket + ", " + session + ", " + model + ", '/p', " + n + ", " + n + ", 1, " + n +
            ", " + cost +
            ") ON CONFLICT(bucket, session_id, model) DO UPDATE SET messages = messages + "
            "excluded.messages, input_tokens = input_tokens + excluded.input_tokens, "
            "cache_write_1h_tokens = cache_write_1h_tokens + 1, cost_usd = cost_usd + "
            "excluded.cost_usd");
        break;
      case 2:  // a price-book recompute
        db->Exec("UPDATE usage_rollup SET cost_usd = " + cost + " WHERE " + key);
        break;
      default:
        db->Exec("DELETE FROM usage_rollup WHERE " + key);
    }
    ASSERT_EQ(KeptSessions(*db), test::ReadRebuilt(*db, RebuildSessionRollup, KeptSessions))
        << "after step " << step;
  }
  EXPECT_FALSE(KeptSessions(*db).empty());
}

}  // namespace
}  // namespace cs

#include "store/recompute.h"

#include <cmath>

#include "store/model_rollup.h"
#include "store/prompt_rollup.h"
#include "store/schema.h"

namespace cs {

int64_t RecomputeCosts(Db& db, const PriceBook& prices) {
  Transaction tx(db);
  Stmt read(db, R"SQL(SELECT rowid, model, input_tokens, output_tokens, cache_read_tokens,
    cache_write_5m_tokens, cache_write_1h_tokens, web_search_requests, fast, us_only,
    legacy_cost_usd, cost_usd, priced FROM messages WHERE type='assistant' AND kind='response')SQL");
  Stmt write(db, "UPDATE messages SET cost_usd=?2, priced=?3 WHERE rowid=?1");
  int64_t changed = 0;
  while (read.Step()) {
    Usage u;
    u.input_tokens = read.Int(2);
    u.output_tokens = read.Int(3);
    u.cache_read_tokens = read.Int(4);
    u.cache_write_5m_tokens = read.Int(5);
    u.cache_write_1h_tokens = read.Int(6);
    u.web_search_requests = read.Int(7);
    u.fast = read.Int(8) != 0;
    u.us_only = read.Int(9) != 0;
    double cost = 0;
    bool priced = true;
    if (auto c = prices.Cost(read.Text(1), u)) {
      cost = *c;
    } else if (u.total_tokens() == 0 && u.web_search_requests == 0) {
      cost = read.IsNull(10) ? 0 : read.Real(10);
    } else {
      priced = false;
    }
    if (std::fabs(cost - read.Real(11)) > 1e-12 || priced != (read.Int(12) != 0)) {
      write.Bind(1, read.Int(0)).Bind(2, cost).Bind(3, int64_t(priced));
      write.Run();
      ++changed;
    }
  }
  if (changed > 0) {
    // Derived costs are sums of message costs: rebuild them from the messages. The writer
    // puts a message without a timestamp in bucket 0 (ingest_writer.cc, BucketOf).
    db.Exec(R"SQL(
UPDATE sessions SET
  cost_usd = coalesce((SELECT sum(cost_usd) FROM messages m WHERE m.session_id = sessions.id
                       AND m.type = 'assistant'), 0),
  unpriced_messages = (SELECT count(*) FROM messages m WHERE m.session_id = sessions.id
                       AND m.type = 'assistant' AND m.priced = 0);
UPDATE subagents SET cost_usd = coalesce((SELECT sum(cost_usd) FROM messages m
  WHERE m.session_id = subagents.session_id AND m.agent_id = subagents.id
  AND m.type = 'assistant'), 0);
UPDATE usage_rollup SET cost_usd = coalesce((SELECT sum(cost_usd) FROM messages m
  WHERE m.session_id = usage_rollup.session_id AND m.model = usage_rollup.model
  AND m.type = 'assistant' AND m.kind = 'response'
  AND m.timestamp >= usage_rollup.bucket AND m.timestamp < usage_rollup.bucket + 900000), 0)
  + CASE WHEN bucket = 0 THEN coalesce((SELECT sum(cost_usd) FROM messages m
      WHERE m.session_id = usage_rollup.session_id AND m.model = usage_rollup.model
      AND m.type = 'assistant' AND m.kind = 'response' AND m.timestamp IS NULL), 0)
    ELSE 0 END
WHERE model != '';
)SQL");
    RebuildModelRollup(db);
    RebuildPromptRollup(db);
  }
  tx.Commit();
  return changed;
}

}  // namespace cs

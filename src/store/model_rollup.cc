#include "store/model_rollup.h"

namespace cs {

const char* const kModelRollupUpsert = R"SQL(
INSERT INTO model_rollup(bucket, model, project_path, assistant_messages, input_tokens,
  output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cost_usd)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
ON CONFLICT(bucket, model, project_path) DO UPDATE SET
  assistant_messages=assistant_messages+excluded.assistant_messages,
  input_tokens=input_tokens+excluded.input_tokens,
  output_tokens=output_tokens+excluded.output_tokens,
  cache_read_tokens=cache_read_tokens+excluded.cache_read_tokens,
  cache_write_5m_tokens=cache_write_5m_tokens+excluded.cache_write_5m_tokens,
  cache_write_1h_tokens=cache_write_1h_tokens+excluded.cache_write_1h_tokens,
  cost_usd=cost_usd+excluded.cost_usd)SQL";

void RebuildModelRollup(Db& db) {
  db.Exec(R"SQL(
DELETE FROM model_rollup;
INSERT INTO model_rollup(bucket, model, project_path, assistant_messages, input_tokens,
  output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cost_usd)
SELECT bucket, model, project_path, sum(assistant_messages), sum(input_tokens),
  sum(output_tokens), sum(cache_read_tokens), sum(cache_write_5m_tokens),
  sum(cache_write_1h_tokens), sum(cost_usd)
FROM usage_rollup WHERE model != '' GROUP BY bucket, model, project_path;
)SQL");
}

}  // namespace cs

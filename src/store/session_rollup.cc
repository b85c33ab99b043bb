#include "store/session_rollup.h"

namespace cs {

// What a trigger does with a usage_rollup row: add NEW to its session_rollup row, or take OLD
// out of it (an update does both). Macros: the schema is one string literal, ready before any
// static initialisation (schema.cc's migration table points at it).
#define CS_ADD_NEW                                                                            \
  "INSERT INTO session_rollup(bucket, session_id, parts, messages, tool_calls, input_tokens," \
  "  output_tokens, cache_read_tokens, cache_write_tokens, cost_usd)"                         \
  "VALUES(NEW.bucket, NEW.session_id, 1, NEW.messages, NEW.tool_calls, NEW.input_tokens,"     \
  "  NEW.output_tokens, NEW.cache_read_tokens,"                                               \
  "  NEW.cache_write_5m_tokens + NEW.cache_write_1h_tokens, NEW.cost_usd)"                    \
  "ON CONFLICT(bucket, session_id) DO UPDATE SET parts = parts + 1,"                          \
  "  messages = messages + excluded.messages, tool_calls = tool_calls + excluded.tool_calls," \
  "  input_tokens = input_tokens + excluded.input_tokens,"                                    \
  "  output_tokens = output_tokens + excluded.output_tokens,"                                 \
  "  cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,"                     \
  "  cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,"                  \
  "  cost_usd = cost_usd + excluded.cost_usd;"
#define CS_SUBTRACT_OLD                                                                         \
  "UPDATE session_rollup SET parts = parts - 1, messages = messages - OLD.messages,"            \
  "  tool_calls = tool_calls - OLD.tool_calls, input_tokens = input_tokens - OLD.input_tokens," \
  "  output_tokens = output_tokens - OLD.output_tokens,"                                        \
  "  cache_read_tokens = cache_read_tokens - OLD.cache_read_tokens,"                            \
  "  cache_write_tokens ="                                                                      \
  "    cache_write_tokens - OLD.cache_write_5m_tokens - OLD.cache_write_1h_tokens,"             \
  "  cost_usd = cost_usd - OLD.cost_usd "                                                       \
  "WHERE bucket = OLD.bucket AND session_id = OLD.session_id;"

const char* const kSessionRollupSchema =
    "CREATE TABLE session_rollup ("
    "  bucket INTEGER NOT NULL,"
    "  session_id TEXT NOT NULL,"
    "  parts INTEGER NOT NULL DEFAULT 0,"
    "  messages INTEGER NOT NULL DEFAULT 0,"
    "  tool_calls INTEGER NOT NULL DEFAULT 0,"
    "  input_tokens INTEGER NOT NULL DEFAULT 0,"
    "  output_tokens INTEGER NOT NULL DEFAULT 0,"
    "  cache_read_tokens INTEGER NOT NULL DEFAULT 0,"
    "  cache_write_tokens INTEGER NOT NULL DEFAULT 0,"
    "  cost_usd REAL NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (bucket, session_id)"
    ") WITHOUT ROWID;\n"
    "CREATE TRIGGER session_rollup_insert AFTER INSERT ON usage_rollup BEGIN " CS_ADD_NEW
    " END;\n"
    "CREATE TRIGGER session_rollup_delete AFTER DELETE ON usage_rollup BEGIN " CS_SUBTRACT_OLD
    " END;\n"
    "CREATE TRIGGER session_rollup_update AFTER UPDATE ON usage_rollup BEGIN " CS_SUBTRACT_OLD
    " " CS_ADD_NEW " END;\n";

#undef CS_ADD_NEW
#undef CS_SUBTRACT_OLD

void RebuildSessionRollup(Db& db) {
  db.Exec(R"SQL(
DELETE FROM session_rollup;
INSERT INTO session_rollup(bucket, session_id, parts, messages, tool_calls, input_tokens,
  output_tokens, cache_read_tokens, cache_write_tokens, cost_usd)
SELECT bucket, session_id, count(*), sum(messages), sum(tool_calls), sum(input_tokens),
  sum(output_tokens), sum(cache_read_tokens), sum(cache_write_5m_tokens + cache_write_1h_tokens),
  sum(cost_usd)
FROM usage_rollup GROUP BY bucket, session_id;
)SQL");
}

}  // namespace cs

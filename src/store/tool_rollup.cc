#include "store/tool_rollup.h"

namespace cs {

// The bucket expression (RollupBucketOf in SQL; calls have no times before 1970) and the
// sentinel for a call without one are spelled out in each trigger: SQLite has no variables.
const char* const kToolRollupSchema = R"SQL(
CREATE TABLE tool_rollup (
  bucket INTEGER NOT NULL,
  tool_name TEXT NOT NULL,
  calls INTEGER NOT NULL DEFAULT 0,
  errors INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket, tool_name)
) WITHOUT ROWID;
CREATE INDEX tool_calls_duration ON tool_calls(tool_name, timestamp, duration_ms)
  WHERE duration_ms IS NOT NULL AND tool_name IS NOT NULL;
CREATE INDEX tool_calls_failed ON tool_calls(timestamp, id, tool_name, error, stderr_preview)
  WHERE success = 0 AND tool_name IS NOT NULL;
CREATE TRIGGER tool_rollup_insert AFTER INSERT ON tool_calls
WHEN NEW.tool_name IS NOT NULL BEGIN
  INSERT INTO tool_rollup(bucket, tool_name, calls, errors)
  VALUES(coalesce(NEW.timestamp / 900000 * 900000, -9223372036854775808), NEW.tool_name, 1,
         NEW.success IS 0)
  ON CONFLICT(bucket, tool_name) DO UPDATE SET calls = calls + 1,
    errors = errors + excluded.errors;
END;
CREATE TRIGGER tool_rollup_update AFTER UPDATE OF tool_name, timestamp, success ON tool_calls
WHEN OLD.tool_name IS NOT NEW.tool_name OR OLD.timestamp IS NOT NEW.timestamp
  OR OLD.success IS NOT NEW.success BEGIN
  UPDATE tool_rollup SET calls = calls - 1, errors = errors - (OLD.success IS 0)
  WHERE OLD.tool_name IS NOT NULL AND tool_name = OLD.tool_name
    AND bucket = coalesce(OLD.timestamp / 900000 * 900000, -9223372036854775808);
  INSERT INTO tool_rollup(bucket, tool_name, calls, errors)
  SELECT coalesce(NEW.timestamp / 900000 * 900000, -9223372036854775808), NEW.tool_name, 1,
         NEW.success IS 0
  WHERE NEW.tool_name IS NOT NULL
  ON CONFLICT(bucket, tool_name) DO UPDATE SET calls = calls + 1,
    errors = errors + excluded.errors;
END;
CREATE TRIGGER tool_rollup_delete AFTER DELETE ON tool_calls
WHEN OLD.tool_name IS NOT NULL BEGIN
  UPDATE tool_rollup SET calls = calls - 1, errors = errors - (OLD.success IS 0)
  WHERE tool_name = OLD.tool_name
    AND bucket = coalesce(OLD.timestamp / 900000 * 900000, -9223372036854775808);
END;
)SQL";

void RebuildToolRollup(Db& db) {
  db.Exec(R"SQL(
DELETE FROM tool_rollup;
INSERT INTO tool_rollup(bucket, tool_name, calls, errors)
SELECT coalesce(timestamp / 900000 * 900000, -9223372036854775808), tool_name, count(*),
       sum(success IS 0)
FROM tool_calls WHERE tool_name IS NOT NULL GROUP BY 1, 2;
)SQL");
}

}  // namespace cs

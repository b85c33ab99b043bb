// session_rollup: usage_rollup summed over models, per (15-minute bucket, session), so that
// the answers that count distinct sessions per period (/api/stats/daily, /api/stats) read half
// as many rows when no model or project narrows them (36k instead of 75k on a 1 GB store).
// `parts` counts the usage_rollup rows behind a row: a session is active in a bucket while it
// is above zero.
//
// Derived data: always what RebuildSessionRollup() computes from usage_rollup. Triggers on
// usage_rollup keep it, whoever writes there (the ingest writer, a price-book recompute); a bulk
// load drops them with the deferred indexes and the table is rebuilt at the end
// (store/bulk_load.h).
//
// Contract: takes the write connection inside the caller's transaction; throws DbError.
#pragma once
#include "store/db.h"

namespace cs {

// The migration's SQL: the table and its triggers (schema.cc).
extern const char* const kSessionRollupSchema;

void RebuildSessionRollup(Db& db);

}  // namespace cs

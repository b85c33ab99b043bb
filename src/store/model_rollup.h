// model_rollup: assistant usage per (15-minute bucket, model, project), that is usage_rollup
// without the session and without the non-assistant rows (model ''). Reports that never look
// at a session (`claudescope daily`, /api/models) read it: on a 1 GB store it holds 32k rows
// where usage_rollup holds 75k, which takes `daily --json` from ~78 to ~46 ms.
//
// Derived data: always what RebuildModelRollup() computes from usage_rollup. The ingest writer
// keeps it in the same transaction as usage_rollup (ingest_writer.h); the migration that adds
// it and a price-book recompute (recompute.h) rebuild it whole.
//
// Contract: takes the write connection inside the caller's transaction; throws DbError.
#pragma once
#include "store/db.h"

namespace cs {

// The upsert the writer runs per changed (bucket, model, project), binding ?1 bucket, ?2 model,
// ?3 project_path, then the sums in the table's order: ?4 assistant_messages, ?5 input,
// ?6 output, ?7 cache read, ?8 cache write 5m, ?9 cache write 1h tokens, ?10 cost_usd.
extern const char* const kModelRollupUpsert;

void RebuildModelRollup(Db& db);

}  // namespace cs

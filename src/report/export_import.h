// Round trip of the JSON export: `claudescope import --from-export FILE` reads a document written
// by WriteExport(kJson) back into a store.
//
// Every exported row is turned back into TranscriptRecords and applied through IngestWriter, so
// the same accounting rules build the same session totals, rollups and subagent totals as the
// original import (costs are recomputed with `prices`; a store with the same price book gets the
// same costs). What records cannot carry (session start/end times, end reason, notes, tags) is
// set directly afterwards.
//
// Contract: borrows the write connection; one thread. The file is parsed one session at a time
// (a session's object is dropped once applied), so memory is bounded by the largest session.
// Re-importing the same file changes nothing (every row is keyed). Each session is one
// transaction. A malformed document throws std::runtime_error (sessions applied before the fault
// stay); DbError for store faults.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/pricing.h"
#include "store/db.h"

namespace cs {

struct ExportImportStats {
  int64_t sessions = 0, messages = 0, tool_calls = 0;
  // Rows that could not be placed (a tool call whose message is not in the file, a result with
  // no tool_result message at its time): reported, never fatal.
  std::vector<std::string> warnings;
};

ExportImportStats ImportJsonExport(Db& db, const std::string& path, const PriceBook* prices);

}  // namespace cs

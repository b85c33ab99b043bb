// Deferred secondary indexes for a bulk load into an empty store. Maintaining the time,
// session and name indexes of messages and tool calls row by row costs a fifth of a first
// import; creating them once at the end (from sorted data) costs a tenth of that.
//
// Contract: DeferIndexes() and RestoreIndexes() take the write connection, outside any
// transaction. DeferIndexes() does nothing unless the store holds no message yet; it records
// the CREATE statements in `meta` before dropping the indexes, in one transaction, so a crash
// between the two calls loses nothing: OpenStore() calls RestoreIndexes() before anything else
// touches the schema. RestoreIndexes() (a no-op unless something is deferred) creates each
// index in a transaction of its own and clears the record in a last one, so a crash midway
// leaves the rest to the next open; without a WAL (rollback_journal.h) all of it is one
// transaction. The writer's own lookups use primary keys and unique
// constraints only, which are never deferred. The triggers on those tables (tool_rollup.h's),
// and usage_rollup's indexes and triggers (session_rollup.h's), are deferred the same way. The
// writer also leaves prompt_rollup (prompt_rollup.h), and the dropped triggers leave tool_rollup
// and session_rollup, to RestoreIndexes(), which rebuilds them in the transaction that clears the
// record. Throws DbError.
#pragma once
#include <string>

#include "store/db.h"

namespace cs {

// Returns whether indexes were deferred.
bool DeferIndexes(Db& db);
// Re-creates deferred indexes (no-op when none are); returns how many were created.
int RestoreIndexes(Db& db);
// No message stored yet: what makes an import a first import (DeferIndexes() asks it again
// in its own transaction).
bool StoreIsEmpty(Db& db);
// Whether a deferred-index record exists (an import is running, or stopped before its end).
bool HasDeferredIndexes(Db& db);

// BulkLoadLock: tells other processes that this one is running a first import, so that
// OpenStore() leaves its deferred indexes alone: restored in a gap between the import's
// transactions they would be built from part of the rows, and the rollups the import rebuilds
// at its end would be rebuilt too early. An flock on "<store>-import-lock", taken without
// waiting (held() is false when another process has it) and released by the destructor or by
// the kernel when the process dies, so a killed import's indexes are still restored by the
// next open. The file stays (removing it could let two processes lock different files).
// An in-memory store needs no file (no other process can open it): held() is true. No errors
// thrown: a file that cannot be created or locked makes held() false.
class BulkLoadLock {
 public:
  explicit BulkLoadLock(const std::string& db_path);
  ~BulkLoadLock();
  BulkLoadLock(const BulkLoadLock&) = delete;
  BulkLoadLock& operator=(const BulkLoadLock&) = delete;
  bool held() const { return held_; }

 private:
  int fd_ = -1;
  bool held_ = false;
};

// Whether another live process holds the BulkLoadLock of the store at `db_path`.
bool BulkLoadRunning(const std::string& db_path);

}  // namespace cs

// FtsBuild: the full-text index of a first import, built on a thread and in a file of its own
// ("<store>-fts-build") while the writer stores the rows, then copied into the store's
// messages_fts in one transaction. Tokenizing and writing FTS5's segments cost the single
// writer ~1 s of a 1 GB import; the reading thread's core has that time to spare.
//
// Why a copy is exact: the build file declares messages_fts with the store's own CREATE
// statement and settings, so its shadow tables (_data: segments, structure, averages; _idx;
// _docsize) are what the store's would hold after the same inserts; an empty store's are
// replaced by them, its _config (format version, settings) stays.
//
// Contract: construct with the write connection of an on-disk store, outside any transaction,
// right after DeferIndexes() succeeded (store/bulk_load.h): the constructor records in `meta`
// that the store's full-text index is deferred. The writer (one thread) hands over operations
// in the order it made them: Add() after each batch, possibly before the batch commits (a
// crash or an error discards the build file and leaves the record). Finish(), called with no
// transaction open, waits for the thread, then copies on the build's connection, clears the
// record in the same transaction and removes the file; the writer's connection sees the new
// index as another connection's commit (FTS5 then drops its cached structure). Should the
// store's index not be empty by then (another process indexed rows meanwhile), Finish()
// rebuilds it from the messages instead. Without Finish() (an error), the destructor stops the
// thread and removes the file; the record stays, and OpenStore() rebuilds the index
// (RestoreFts) once no first import holds the store. Errors of the build thread are kept and
// make Finish() rebuild; Finish() throws DbError only for errors writing the store.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/db.h"

namespace cs {

// One change to the index: a row's text indexed, or (remove) the text it was indexed with taken
// out again.
struct FtsOp {
  int64_t rowid = 0;
  std::string text;
  bool remove = false;
};

class FtsBuild {
 public:
  explicit FtsBuild(Db& store);
  ~FtsBuild();
  FtsBuild(const FtsBuild&) = delete;
  FtsBuild& operator=(const FtsBuild&) = delete;

  // Queues operations for the thread; waits while too many bytes of text are queued.
  void Add(std::vector<FtsOp> ops);
  // No more Add(): the thread indexes what is queued and commits the build file meanwhile (the
  // writer builds the store's other indexes then), instead of when Finish() asks. Optional.
  void Close();
  // Returns whether the copy was used (false: the index was rebuilt from the messages).
  bool Finish();

  static std::string PathFor(const std::string& store_path) { return store_path + "-fts-build"; }

 private:
  void Run();
  void Stop();
  void Discard();

  Db& store_;
  std::string path_;
  std::unique_ptr<Db> conn_;  // the build file; the thread's until it ends
  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::vector<FtsOp>> queue_;
  int64_t queued_bytes_ = 0;
  bool closing_ = false;  // no more Add(): the thread drains the queue and commits
  bool stop_ = false;     // abandon: the thread ends at once
  std::string error_;     // the thread's, if any
  std::thread thread_;
};

// Whether the store's full-text index waits for a first import's FtsBuild.
bool HasDeferredFts(Db& db);
// Rebuilds the full-text index from the messages and clears the record when one is left (a
// first import that stopped before its end), then removes that import's build file; otherwise
// does nothing. Takes the write connection, outside any transaction, when no first import holds
// the store (BulkLoadRunning() is false); returns whether it rebuilt.
bool RestoreFts(Db& db);

}  // namespace cs

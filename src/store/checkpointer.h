// Checkpointer: copies a long write's WAL into the database on a thread and connection of its
// own, so that the writer never waits for a checkpoint. By default SQLite checkpoints inside
// the commit that makes the WAL pass 1,000 pages, on the writer's thread: during a 1 GB import
// that is ~60 checkpoints whose fsyncs alone kept the writer waiting ~7 s of ~40.
//
// Contract: construct with the write connection, outside any transaction, for the span of a
// long series of writes (Ingestor::IngestTree); the writer's connection stops checkpointing
// by itself until the destructor, which stops the thread, checkpoints what is left from the
// writer's connection and gives it back its automatic checkpoints. Durability is unchanged:
// commits stay as synchronous as the connection says, and a checkpoint still syncs the WAL
// before the database. A checkpoint that cannot run (SQLITE_BUSY: a reader holds old pages) is
// retried on the next tick; when the WAL has grown past `max_wal_bytes` regardless, the writer
// checkpoints itself at its next MaybeCatchUp(). Errors of the background connection stop it
// quietly (the writer's final checkpoint then does the work); none is thrown to the writer.
//
// A store in a rollback journal mode (store/rollback_journal.h) has no WAL to copy: each commit
// syncs the database itself, and would wait for every page written since the last one (the
// kernel starts writing dirty pages back only when gigabytes are dirty). There the thread asks
// the kernel, each tick, to start writing the file's dirty pages (sync_file_range, which neither
// waits for them nor changes what a commit guarantees), so that a commit finds most of them on
// disk already: ~1 s of a 1 GB first import's time.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "store/db.h"

namespace cs {

class Checkpointer {
 public:
  explicit Checkpointer(Db& writer, int64_t max_wal_bytes = int64_t(512) << 20);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Called by the writer between transactions: checkpoints on the writer's connection when the
  // background thread has fallen too far behind (the WAL file is over max_wal_bytes).
  void MaybeCatchUp();

 private:
  void Run();
  void StartWriteBack();

  Db& writer_;
  int file_ = -1;  // the database file, when there is no WAL (write-back mode)
  int64_t max_wal_bytes_;
  std::unique_ptr<Db> conn_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace cs

// RollbackJournal: while a first import fills an empty store, the store keeps a rollback
// journal instead of its WAL. Through the WAL every page is written twice (into the WAL, then
// into the database by a checkpoint); with a rollback journal a new page is written once, into
// the database, and needs no journal entry (there was nothing before it to restore). On a 1 GB
// import that saved ~3 s of ~16, the writer's and the checkpointer's copying into the page
// cache. A crash keeps its guarantees: SQLite finds the hot journal on the next open and rolls
// the unfinished transaction back, so exactly-once holds as with the WAL.
//
// The price is for other connections: with a rollback journal they cannot read beside a
// transaction that has started writing pages, and wait for its commit (each a few seconds of a
// large import) instead. So the switch is only made when nobody else has the store open (an
// open WAL connection makes it fail at once, and nothing changes), and only the `import`
// command asks for it (a server keeps answering during its own first import).
//
// Contract: construct with the write connection, outside any transaction; active() tells
// whether the switch was made. Finish() (or the destructor) puts the store back in WAL mode,
// waiting for other connections as long as a write would; if that still fails the store stays
// in rollback mode until the next OpenStore(), which sets WAL again. Neither throws.
#pragma once
#include "store/db.h"

namespace cs {

class RollbackJournal {
 public:
  explicit RollbackJournal(Db& db);
  ~RollbackJournal() { Finish(); }
  RollbackJournal(const RollbackJournal&) = delete;
  RollbackJournal& operator=(const RollbackJournal&) = delete;

  bool active() const { return active_; }
  void Finish();

 private:
  Db& db_;
  bool active_ = false;
};

}  // namespace cs

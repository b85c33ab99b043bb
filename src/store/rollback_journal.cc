#include "store/rollback_journal.h"

namespace cs {

RollbackJournal::RollbackJournal(Db& db) : db_(db) {
  if (!db_.on_disk() || JournalMode(db_) != "wal") return;
  // Leaving WAL needs every other connection closed; do not wait for them to go.
  sqlite3_busy_timeout(db_.raw(), 0);
  try {
    // TRUNCATE: the journal file stays between transactions (at zero length) instead of
    // being created and deleted around each commit.
    Stmt q(db_, "PRAGMA journal_mode=TRUNCATE");
    active_ = q.Step() && q.Text(0) == "truncate";
  } catch (const DbError&) {
    active_ = false;  // SQLITE_BUSY: another connection has the store open
  }
  sqlite3_busy_timeout(db_.raw(), Db::kBusyTimeoutMs);
}

void RollbackJournal::Finish() {
  if (!active_) return;
  active_ = false;
  try {
    db_.Exec("PRAGMA journal_mode=WAL");
  } catch (const DbError&) {
    // Another connection kept reading: OpenStore() sets WAL again on the next open.
  }
}

}  // namespace cs

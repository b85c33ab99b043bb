#include "store/bulk_load.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/prompt_rollup.h"
#include "store/session_rollup.h"
#include "store/tool_rollup.h"

namespace cs {

namespace {

constexpr const char* kMetaKey = "deferred_indexes";

// The recorded CREATE statements, if any.
std::optional<std::string> Deferred(Db& db) {
  Stmt q(db, "SELECT value FROM meta WHERE key=?1");
  q.Bind(1, std::string_view(kMetaKey));
  if (!q.Step()) return std::nullopt;
  return q.Text(0);
}

std::string LockPath(const std::string& db_path) {
  return db_path + "-import-lock";
}

}  // namespace

BulkLoadLock::BulkLoadLock(const std::string& db_path) {
  if (!Db::IsFile(db_path)) {
    held_ = true;
    return;
  }
  int fd = ::open(LockPath(db_path).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return;
  }
  fd_ = fd;
  held_ = true;
}

BulkLoadLock::~BulkLoadLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the lock
}

bool BulkLoadRunning(const std::string& db_path) {
  if (!Db::IsFile(db_path)) return false;
  int fd = ::open(LockPath(db_path).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // never locked here
  bool running = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return running;
}

bool StoreIsEmpty(Db& db) {
  Stmt any(db, "SELECT 1 FROM messages LIMIT 1");
  return !any.Step();
}

bool HasDeferredIndexes(Db& db) {
  return Deferred(db).has_value();
}

bool DeferIndexes(Db& db) {
  Transaction tx(db, /*immediate=*/true);
  if (!StoreIsEmpty(db) || Deferred(db)) return false;
  std::vector<std::string> drops;
  nlohmann::json sql = nlohmann::json::array();
  {
    // Indexes, then triggers (tool_rollup.h, session_rollup.h: those rollups are rebuilt once
    // at the end instead). usage_rollup's own indexes too: each commit upserts some 20k of its
    // rows, and keeping its two secondary indexes meanwhile cost ~0.15 s of a 1 GB import.
    // Partial indexes stay: they hold a few rows each, and building one later reads the whole
    // table again (~0.3 s per index on a 1 GB import).
    Stmt q(db,
           "SELECT type, name, sql FROM sqlite_schema s WHERE type IN ('index', 'trigger') AND "
           "sql IS NOT NULL AND tbl_name IN ('messages', 'tool_calls', 'compactions', "
           "'subagents', 'usage_rollup') AND name NOT IN "
           "(SELECT name FROM pragma_index_list(s.tbl_name) WHERE partial) ORDER BY type, name");
    while (q.Step()) {
      drops.push_back(std::string(q.Text(0) == "index" ? "DROP INDEX \"" : "DROP TRIGGER \"") +
                      q.Text(1) + "\"");
      sql.push_back(q.Text(2));
    }
  }
  if (drops.empty()) return false;
  {
    Stmt put(db, "INSERT INTO meta(key, value) VALUES(?1, ?2)");
    put.Bind(1, std::string_view(kMetaKey)).Bind(2, sql.dump());
    put.Run();
  }
  for (const auto& drop : drops)
    db.Exec(drop);
  tx.Commit();
  return true;
}

int RestoreIndexes(Db& db) {
  // OpenStore calls this on every open: look without the write lock first, so that a report
  // never waits on a long import transaction just to find nothing to do.
  auto stored = Deferred(db);
  if (!stored) return 0;
  auto sql = nlohmann::json::parse(*stored, nullptr, false);
  int created = 0;
  // One transaction per index: the import's checkpointer (checkpointer.h) copies one index's
  // pages into the database while the next is built, instead of all of them after the last
  // (~1 s of a 1 GB import). The record stays until the end; after a crash midway the next
  // open creates the rest (IF NOT EXISTS skips what exists, also another process's work).
  // Without a WAL (rollback_journal.h) there is nothing to copy meanwhile, and each commit
  // would sync the file: then everything goes in one transaction.
  std::optional<Transaction> whole;
  if (JournalMode(db) != "wal") whole.emplace(db, /*immediate=*/true);
  if (sql.is_array()) {
    for (const auto& s : sql) {
      if (!s.is_string()) continue;
      std::string create = s.get<std::string>();
      // "CREATE INDEX x ..." as sqlite_schema keeps it; tolerate one that already exists.
      for (const std::string prefix : {"CREATE INDEX ", "CREATE TRIGGER "}) {
        if (create.compare(0, prefix.size(), prefix) == 0) {
          create = prefix + "IF NOT EXISTS " + create.substr(prefix.size());
          break;
        }
      }
      std::optional<Transaction> tx;
      if (!whole) tx.emplace(db, /*immediate=*/true);
      db.Exec(create);
      if (tx) tx->Commit();
      ++created;
    }
  }
  if (!whole) whole.emplace(db, /*immediate=*/true);
  Transaction& tx = *whole;
  if (!Deferred(db)) return created;  // another process finished first, under the lock
  // The writer left prompt_rollup to this point (ingest_writer.h, set_bulk_load). Before
  // schema 3 the table does not exist yet: its migration fills it.
  Stmt has_rollup(db, "SELECT 1 FROM sqlite_schema WHERE type='table' AND name='prompt_rollup'");
  if (has_rollup.Step()) RebuildPromptRollup(db);
  // Their triggers were dropped with the indexes (tool_rollup.h, session_rollup.h).
  Stmt has_tools(db, "SELECT 1 FROM sqlite_schema WHERE type='table' AND name='tool_rollup'");
  if (has_tools.Step()) RebuildToolRollup(db);
  Stmt has_sessions(db, "SELECT 1 FROM sqlite_schema WHERE type='table' AND name='session_rollup'");
  if (has_sessions.Step()) RebuildSessionRollup(db);
  Stmt del(db, "DELETE FROM meta WHERE key=?1");
  del.Bind(1, std::string_view(kMetaKey));
  del.Run();
  tx.Commit();
  return created;
}

}  // namespace cs

#include "store/fts_build.h"

#include <filesystem>
#include <utility>

namespace cs {

namespace {

constexpr const char* kFtsRecordKey = "deferred_fts";
// Text queued ahead of the thread: it indexes faster than the writer stores, so this bounds
// memory for the case where it is starved of CPU, not its usual lag.
constexpr int64_t kMaxQueuedBytes = int64_t(32) << 20;

int64_t QueuedBytesOf(const std::vector<FtsOp>& ops) {
  int64_t n = 0;
  for (const auto& op : ops)
    n += int64_t(op.text.size()) + int64_t(sizeof(FtsOp));
  return n;
}

void RemoveBuildFile(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  std::filesystem::remove(path + "-journal", ec);
}

void SetFtsRecord(Db& db, bool on) {
  Stmt q(db, on ? "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, '1')"
                : "DELETE FROM meta WHERE key=?1");
  q.Bind(1, std::string_view(kFtsRecordKey));
  q.Run();
}

// The store's messages as the ingest writer indexes them: rows with text only.
void ReindexFromMessages(Db& db) {
  db.Exec("INSERT INTO messages_fts(messages_fts) VALUES('delete-all')");
  db.Exec(
      "INSERT INTO messages_fts(rowid, content_text) SELECT rowid, content_text FROM messages "
      "WHERE content_text <> ''");
}

}  // namespace

FtsBuild::FtsBuild(Db& store) : store_(store), path_(PathFor(store.path())) {
  std::string create;
  {
    Stmt q(store, "SELECT sql FROM sqlite_schema WHERE type='table' AND name='messages_fts'");
    if (!q.Step()) throw DbError("the store has no messages_fts table");
    create = q.Text(0);
  }
  // Settings such as hashsize shape the segments the build writes; the format version row is
  // the library's own.
  struct Setting {
    std::string key, text;
    bool integer;
    int64_t number;
  };
  std::vector<Setting> settings;
  {
    Stmt q(store,
           "SELECT k, v, typeof(v)='integer', v FROM messages_fts_config WHERE k <> 'version'");
    while (q.Step())
      settings.push_back({q.Text(0), q.Text(1), q.Int(2) != 0, q.Int(3)});
  }
  // A build left by a killed import (only the holder of the BulkLoadLock gets here).
  RemoveBuildFile(path_);
  try {
    conn_ = std::make_unique<Db>(path_, Db::Mode::kReadWrite);
    // Scratch data: a crash discards it, so it needs neither a journal nor syncs.
    conn_->Exec("PRAGMA journal_mode=OFF");
    conn_->Exec("PRAGMA synchronous=OFF");
    conn_->Exec("PRAGMA page_size=16384");
    conn_->Exec("PRAGMA cache_size=-16384");
    conn_->Exec(create);
    for (const auto& s : settings) {
      Stmt put(*conn_, "INSERT INTO messages_fts(messages_fts, rank) VALUES(?1, ?2)");
      put.Bind(1, s.key);
      if (s.integer) {
        put.Bind(2, s.number);
      } else {
        put.Bind(2, s.text);
      }
      put.Run();
    }
    conn_->Exec("BEGIN");
    SetFtsRecord(store_, true);
  } catch (...) {
    conn_.reset();
    RemoveBuildFile(path_);
    throw;
  }
  thread_ = std::thread([this] { Run(); });
}

FtsBuild::~FtsBuild() {
  Stop();
  Discard();
}

void FtsBuild::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void FtsBuild::Discard() {
  if (!conn_) return;
  conn_.reset();  // closing rolls back whatever the thread left open
  RemoveBuildFile(path_);
}

void FtsBuild::Add(std::vector<FtsOp> ops) {
  if (ops.empty()) return;
  const int64_t bytes = QueuedBytesOf(ops);
  std::unique_lock lock(mu_);
  // A batch larger than the bound still goes in, alone.
  changed_.wait(lock, [&] {
    return !error_.empty() || queue_.empty() || queued_bytes_ + bytes <= kMaxQueuedBytes;
  });
  if (!error_.empty()) return;  // the build is lost: Finish() rebuilds from the messages
  if (closing_) {               // the thread may be gone: these would never be indexed
    error_ = "operations added after Close()";
    return;
  }
  queue_.push_back(std::move(ops));
  queued_bytes_ += bytes;
  lock.unlock();
  changed_.notify_all();
}

void FtsBuild::Run() {
  try {
    Stmt insert(*conn_, "INSERT INTO messages_fts(rowid, content_text) VALUES(?1, ?2)");
    Stmt remove(*conn_,
                "INSERT INTO messages_fts(messages_fts, rowid, content_text) "
                "VALUES('delete', ?1, ?2)");
    for (;;) {
      std::vector<FtsOp> ops;
      {
        std::unique_lock lock(mu_);
        changed_.wait(lock, [&] { return stop_ || closing_ || !queue_.empty(); });
        if (stop_) return;
        if (queue_.empty()) break;  // closing, and everything is indexed
        ops = std::move(queue_.front());
        queue_.pop_front();
        queued_bytes_ -= QueuedBytesOf(ops);
      }
      changed_.notify_all();
      for (const auto& op : ops) {
        Stmt& q = op.remove ? remove : insert;
        q.Bind(1, op.rowid).BindRef(2, op.text);
        q.Run();
      }
    }
    conn_->Exec("COMMIT");
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    error_ = e.what();
    if (error_.empty()) error_ = "error";
    queue_.clear();
    queued_bytes_ = 0;
  }
  changed_.notify_all();
}

void FtsBuild::Close() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
  }
  changed_.notify_all();
}

bool FtsBuild::Finish() {
  Close();
  if (thread_.joinable()) thread_.join();
  bool copied = false;
  if (error_.empty()) {
    // On the build's connection: the writer's then sees another connection's commit, on which
    // FTS5 re-reads the index structure it may have cached.
    try {
      Stmt attach(*conn_, "ATTACH DATABASE ?1 AS store");
      attach.Bind(1, store_.path());
      attach.Run();
      {
        Transaction tx(*conn_);
        Stmt indexed(*conn_, "SELECT 1 FROM store.messages_fts_docsize LIMIT 1");
        if (!indexed.Step()) {
          conn_->Exec(R"SQL(
DELETE FROM store.messages_fts_data;
DELETE FROM store.messages_fts_idx;
INSERT INTO store.messages_fts_data(id, block) SELECT id, block FROM main.messages_fts_data;
INSERT INTO store.messages_fts_idx(segid, term, pgno)
  SELECT segid, term, pgno FROM main.messages_fts_idx;
INSERT INTO store.messages_fts_docsize(id, sz) SELECT id, sz FROM main.messages_fts_docsize;
)SQL");
          Stmt clear(*conn_, "DELETE FROM store.meta WHERE key=?1");
          clear.Bind(1, std::string_view(kFtsRecordKey));
          clear.Run();
          tx.Commit();
          copied = true;
        }
      }
      conn_->Exec("DETACH DATABASE store");
    } catch (const DbError&) {
      // Not copied: rebuilt below. Copied: only the DETACH failed, and Discard() closes it.
    }
  }
  Discard();
  if (!copied) RestoreFts(store_);
  return copied;
}

bool HasDeferredFts(Db& db) {
  Stmt q(db, "SELECT 1 FROM meta WHERE key=?1");
  q.Bind(1, std::string_view(kFtsRecordKey));
  return q.Step();
}

bool RestoreFts(Db& db) {
  if (!HasDeferredFts(db)) return false;
  Transaction tx(db);
  if (!HasDeferredFts(db)) return false;  // another process restored it first
  ReindexFromMessages(db);
  SetFtsRecord(db, false);
  tx.Commit();
  // A killed import's build file: nobody builds into it any more (the caller checked that no
  // first import holds the store).
  if (db.on_disk()) RemoveBuildFile(FtsBuild::PathFor(db.path()));
  return true;
}

}  // namespace cs

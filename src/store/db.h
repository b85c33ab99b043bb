// Db and Stmt: a thin RAII layer over the SQLite C API, so that every query binds its values
// (never string-built SQL) and every error carries SQLite's message.
//
// Contract: a Db owns one connection and is used by one thread at a time (SQLite's
// multi-thread mode). Stmt borrows its Db and must not outlive it. Errors are thrown as
// DbError (a std::runtime_error) so that store code stays linear; the store's public
// functions catch them at their border and return a Status.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cs {

class DbError : public std::runtime_error {
 public:
  explicit DbError(const std::string& what, int code = SQLITE_ERROR)
      : std::runtime_error(what), code_(code) {}
  // SQLite's extended result code (SQLITE_ERROR for the store's own errors).
  int code() const { return code_; }
  // Another connection held the lock past the busy timeout (or SQLite would not wait).
  bool busy() const { return (code_ & 0xff) == SQLITE_BUSY; }

 private:
  int code_;
};

class Db {
 public:
  enum class Mode { kReadWrite, kReadOnly };
  // How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
  static constexpr int kBusyTimeoutMs = 10000;
  Db(const std::string& path, Mode mode);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* raw() const { return db_; }
  const std::string& path() const { return path_; }
  // Whether the database is a file other processes can open (SQLite keeps "" and ":memory:"
  // in memory; paths are opened without URI parsing).
  bool on_disk() const { return IsFile(path_); }
  static bool IsFile(const std::string& path) { return !path.empty() && path != ":memory:"; }
  void Exec(std::string_view sql);
  int64_t Changes() const { return sqlite3_changes64(db_); }
  int64_t LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Stmt {
 public:
  Stmt(Db& db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : db_(o.db_), st_(o.st_) { o.st_ = nullptr; }

  // Binding is 1-based like SQLite. Text is copied (SQLITE_TRANSIENT).
  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, int v) { return Bind(i, int64_t(v)); }
  Stmt& Bind(int i, double v);
  Stmt& Bind(int i, std::string_view v);
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Stmt& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Stmt& BindNull(int i);
  // NULL for empty text, the (copied) text otherwise: optional text columns.
  Stmt& BindOrNull(int i, std::string_view v) { return v.empty() ? BindNull(i) : Bind(i, v); }
  // Binds text without copying it: `v` must stay alive until the statement is reset (Run(),
  // Reset()). For the ingest writer's hot statements, whose large texts would be copied twice.
  Stmt& BindRef(int i, std::string_view v);
  // The same for a BLOB.
  Stmt& BindBlobRef(int i, std::string_view v);
  template <typename T>
  Stmt& Bind(int i, const std::optional<T>& v) {
    return v ? Bind(i, *v) : BindNull(i);
  }

  // Returns true while a row is available.
  bool Step();
  // Runs a statement that returns no rows (or ignores them), then resets it for reuse.
  void Run();
  void Reset();

  bool IsNull(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
  bool IsReal(int col) const { return sqlite3_column_type(st_, col) == SQLITE_FLOAT; }
  bool IsBlob(int col) const { return sqlite3_column_type(st_, col) == SQLITE_BLOB; }
  int64_t Int(int col) const { return sqlite3_column_int64(st_, col); }
  double Real(int col) const { return sqlite3_column_double(st_, col); }
  std::string Text(int col) const;
  std::string_view TextView(int col) const;
  std::string_view BlobView(int col) const;
  std::optional<int64_t> OptInt(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<int64_t>(Int(col));
  }
  std::optional<std::string> OptText(int col) const {
    return IsNull(col) ? std::nullopt : std::optional<std::string>(Text(col));
  }
  int Columns() const { return sqlite3_column_count(st_); }
  const char* ColumnName(int col) const { return sqlite3_column_name(st_, col); }

 private:
  Db* db_;
  sqlite3_stmt* st_ = nullptr;
};

// The connection's journal mode as SQLite names it ("wal", "truncate", "delete", ...).
std::string JournalMode(Db& db);

// Runs a transaction: commits when Commit() is called, rolls back on destruction otherwise.
class Transaction {
 public:
  explicit Transaction(Db& db, bool immediate = true);
  ~Transaction();
  void Commit();

 private:
  Db& db_;
  bool done_ = false;
};

}  // namespace cs

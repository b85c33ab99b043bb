#include "store/checkpointer.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

namespace cs {

namespace {

constexpr auto kTick = std::chrono::milliseconds(250);

bool IsWal(Db& db) {
  return JournalMode(db) == "wal";
}

}  // namespace

Checkpointer::Checkpointer(Db& writer, int64_t max_wal_bytes)
    : writer_(writer), max_wal_bytes_(max_wal_bytes) {
  if (!writer_.on_disk()) return;
  if (!IsWal(writer_)) {
    file_ = ::open(writer_.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (file_ >= 0) thread_ = std::thread([this] { Run(); });
    return;
  }
  try {
    conn_ = std::make_unique<Db>(writer_.path(), Db::Mode::kReadWrite);
    // A connection finds out that the store is in WAL mode when it first reads it; until then
    // a checkpoint through it does nothing.
    if (!IsWal(*conn_)) {
      conn_.reset();
      return;
    }
  } catch (const DbError&) {
    return;  // the writer keeps checkpointing by itself
  }
  writer_.Exec("PRAGMA wal_autocheckpoint=0");
  thread_ = std::thread([this] { Run(); });
}

Checkpointer::~Checkpointer() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (file_ >= 0) {
    ::close(file_);
    return;
  }
  conn_.reset();
  try {
    sqlite3_wal_checkpoint_v2(writer_.raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    writer_.Exec("PRAGMA wal_autocheckpoint=1000");  // SQLite's default
  } catch (const DbError&) {
  }
}

void Checkpointer::MaybeCatchUp() {
  if (!conn_) return;
  std::error_code ec;
  auto size = std::filesystem::file_size(writer_.path() + "-wal", ec);
  if (ec || int64_t(size) <= max_wal_bytes_) return;
  // RESTART: wait for readers to finish with the old frames, so that the next transaction
  // writes the WAL from its start again instead of growing it further.
  sqlite3_wal_checkpoint_v2(writer_.raw(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
}

void Checkpointer::Run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, kTick, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    if (file_ >= 0) {
      StartWriteBack();
      lock.lock();
      continue;
    }
    int rc = sqlite3_wal_checkpoint_v2(conn_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                       nullptr);
    lock.lock();
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
  }
}

void Checkpointer::StartWriteBack() {
  // The whole file (0, 0): the pages already under write-back are skipped, not waited for.
  ::sync_file_range(file_, 0, 0, SYNC_FILE_RANGE_WRITE);
}

}  // namespace cs

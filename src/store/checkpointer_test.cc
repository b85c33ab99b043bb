#include "store/checkpointer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "store/schema.h"

namespace cs {
namespace {

namespace fs = std::filesystem;

int64_t AutoCheckpoint(Db& db) {
  Stmt q(db, "PRAGMA wal_autocheckpoint");
  return q.Step() ? q.Int(0) : -1;
}

// Writes ~1 MB (more than SQLite's 1,000-page automatic checkpoint) in a few transactions.
void WriteRows(Db& db, int first) {
  Stmt put(db, "INSERT INTO meta(key, value) VALUES(?1, ?2)");
  for (int tx = 0; tx < 4; ++tx) {
    db.Exec("BEGIN IMMEDIATE");
    for (int i = 0; i < 64; ++i) {
      put.Bind(1, "k" + std::to_string(first + tx * 64 + i)).Bind(2, std::string(4096, 'x'));
      put.Run();
    }
    db.Exec("COMMIT");
  }
}

class CheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ =
        (fs::temp_directory_path() / ("cs-ckpt-" + std::to_string(::getpid()) + ".db")).string();
    Remove();
    db_ = OpenStore(path_);
  }
  void TearDown() override {
    db_.reset();
    Remove();
  }
  void Remove() {
    for (const char* s : {"", "-wal", "-shm", "-journal"})
      fs::remove(path_ + s);
  }
  int64_t DbBytes() const { return int64_t(fs::file_size(path_)); }

  std::string path_;
  std::unique_ptr<Db> db_;
};

TEST_F(CheckpointerTest, TheWriterStopsCheckpointingAndTheThreadDoesItInstead) {
  const int64_t before = DbBytes();
  {
    Checkpointer ck(*db_);
    EXPECT_EQ(AutoCheckpoint(*db_), 0);
    WriteRows(*db_, 0);
    // The rows reach the database file only through the background checkpoints.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (DbBytes() <= before + (512 << 10) && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_GT(DbBytes(), before + (512 << 10));
  }
  EXPECT_EQ(AutoCheckpoint(*db_), 1000);
}

TEST_F(CheckpointerTest, WithoutItAndWithoutAutomaticCheckpointsTheFileStaysSmall) {
  // The control for the test above: SQLite's own checkpoint also fills the file, but only
  // inside the writer's commits; with automatic checkpoints off nothing does.
  const int64_t before = DbBytes();
  db_->Exec("PRAGMA wal_autocheckpoint=0");
  WriteRows(*db_, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_LT(DbBytes(), before + (512 << 10));
}

TEST_F(CheckpointerTest, AWriterFarAheadCatchesUpItself) {
  Checkpointer ck(*db_, /*max_wal_bytes=*/1);
  WriteRows(*db_, 0);
  ck.MaybeCatchUp();  // a RESTART checkpoint: the next transaction writes the WAL from its start
  const auto wal = fs::file_size(path_ + "-wal");
  WriteRows(*db_, 1000);
  EXPECT_LE(fs::file_size(path_ + "-wal"), wal);
  Stmt n(*db_, "SELECT count(*) FROM meta WHERE key LIKE 'k%'");
  ASSERT_TRUE(n.Step());
  EXPECT_EQ(n.Int(0), 512);
}

size_t Entries(const char* dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir))
    ++n;
  return n;
}

// Descriptors of this process open on `file`: counting all of them would also count whatever a
// starting thread opens for a moment (seen under ASan).
size_t DescriptorsOn(const std::string& file) {
  const fs::path target = fs::canonical(file);  // the kernel shows resolved paths
  size_t n = 0;
  for (const auto& e : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    if (fs::read_symlink(e.path(), ec) == target) ++n;
  }
  return n;
}

// The kernel wakes a thread's joiner before it removes the thread's /proc entry, so a joined
// thread can still be listed for a moment: wait (boundedly) for the count to settle.
size_t TasksSettlingAt(size_t expected) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  size_t n = Entries("/proc/self/task");
  while (n != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    n = Entries("/proc/self/task");
  }
  return n;
}

// In a rollback journal mode there is no WAL: the thread starts the file's write-back instead,
// and leaves neither a thread nor a descriptor behind.
TEST_F(CheckpointerTest, WithoutAWalTheThreadWritesTheFileBack) {
  db_->Exec("PRAGMA journal_mode=TRUNCATE");
  const size_t threads = Entries("/proc/self/task"), files = DescriptorsOn(path_);
  {
    Checkpointer ck(*db_);
    EXPECT_EQ(Entries("/proc/self/task"), threads + 1);
    EXPECT_EQ(DescriptorsOn(path_), files + 1);
    WriteRows(*db_, 0);
    ck.MaybeCatchUp();                                            // nothing to catch up with
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // at least one tick
    EXPECT_FALSE(fs::exists(path_ + "-wal"));
    EXPECT_EQ(AutoCheckpoint(*db_), 1000);  // untouched: there is no WAL to check
  }
  EXPECT_EQ(TasksSettlingAt(threads), threads);
  EXPECT_EQ(DescriptorsOn(path_), files);
  Stmt n(*db_, "SELECT count(*) FROM meta WHERE key LIKE 'k%'");
  ASSERT_TRUE(n.Step());
  EXPECT_EQ(n.Int(0), 256);
}

TEST_F(CheckpointerTest, AnInMemoryStoreGetsNoThread) {
  Db mem(":memory:", Db::Mode::kReadWrite);
  Checkpointer ck(mem);
  ck.MaybeCatchUp();
  EXPECT_EQ(AutoCheckpoint(mem), 1000);
}

}  // namespace
}  // namespace cs

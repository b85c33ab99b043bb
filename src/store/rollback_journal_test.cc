#include "store/rollback_journal.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "store/bulk_load.h"
#include "store/schema.h"

namespace cs {
namespace {

class RollbackJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("cs-journal-" + std::to_string(::getpid()) + ".db"))
                .string();
    Remove();
    auto db = OpenStore(path_);
    db->Exec("CREATE TABLE t(x TEXT)");
    db->Exec("INSERT INTO t VALUES('before')");
  }
  void TearDown() override { Remove(); }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(path_ + suffix);
  }
  // The mode the file itself records: WAL is kept in the database header, the rollback modes
  // are not (a new connection then starts in DELETE).
  std::string ModeOnDisk() {
    Db plain(path_, Db::Mode::kReadWrite);
    return JournalMode(plain);
  }
  std::string path_;
};

TEST_F(RollbackJournalTest, AloneItSwitchesAndFinishPutsTheWalBack) {
  auto db = OpenStore(path_);
  {
    RollbackJournal journal(*db);
    ASSERT_TRUE(journal.active());
    EXPECT_EQ(JournalMode(*db), "truncate");
    EXPECT_FALSE(std::filesystem::exists(path_ + "-wal"));  // checkpointed and removed
    db->Exec("INSERT INTO t VALUES('during')");
    EXPECT_EQ(ModeOnDisk(), "delete");
    journal.Finish();
    EXPECT_FALSE(journal.active());
    EXPECT_EQ(JournalMode(*db), "wal");
  }
  EXPECT_EQ(ModeOnDisk(), "wal");
  Stmt q(*db, "SELECT group_concat(x, ',') FROM t");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Text(0), "before,during");
}

TEST_F(RollbackJournalTest, TheDestructorPutsTheWalBackToo) {
  auto db = OpenStore(path_);
  { RollbackJournal journal(*db); }
  EXPECT_EQ(JournalMode(*db), "wal");
  EXPECT_EQ(ModeOnDisk(), "wal");
}

TEST_F(RollbackJournalTest, AnotherOpenConnectionKeepsTheWalWithoutWaiting) {
  auto db = OpenStore(path_);
  auto reader = std::make_unique<Db>(path_, Db::Mode::kReadOnly);
  {
    Stmt q(*reader, "SELECT count(*) FROM t");  // a WAL connection that has read holds on
    ASSERT_TRUE(q.Step());
  }
  auto t0 = std::chrono::steady_clock::now();
  RollbackJournal journal(*db);
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_FALSE(journal.active());
  EXPECT_EQ(JournalMode(*db), "wal");
  EXPECT_LT(waited, Db::kBusyTimeoutMs / 2000.0);  // did not sit out the busy timeout
  // The writer still has its usual busy timeout: it waits for a reader's lock again.
  db->Exec("INSERT INTO t VALUES('after')");
  Stmt q(*reader, "SELECT count(*) FROM t");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), 2);
}

// A process killed in the middle of a large transaction (pages already spilled into the
// database file, an existing row changed) leaves a hot journal; the next open rolls it back.
TEST_F(RollbackJournalTest, AKilledTransactionIsRolledBackByTheNextOpen) {
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto db = OpenStore(path_);
    RollbackJournal journal(*db);
    if (!journal.active()) ::_exit(2);
    db->Exec("PRAGMA cache_size=16");  // spill early: most pages reach the file uncommitted
    db->Exec("BEGIN IMMEDIATE");
    db->Exec("UPDATE t SET x='changed'");
    db->Exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
        "INSERT INTO t SELECT printf('%.200c', 'x') FROM n");
    ::_exit(0);  // no commit, no destructor: as if killed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  ASSERT_GT(std::filesystem::file_size(path_ + "-journal"), 0u);
  ASSERT_GT(std::filesystem::file_size(path_), 20000u * 200);  // the spill reached the file

  auto db = OpenStore(path_);
  EXPECT_EQ(JournalMode(*db), "wal");
  Stmt q(*db, "SELECT count(*), min(x) FROM t");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), 1);
  EXPECT_EQ(q.Text(1), "before");
  Stmt check(*db, "PRAGMA integrity_check");
  ASSERT_TRUE(check.Step());
  EXPECT_EQ(check.Text(0), "ok");
}

// A report opened while a first import writes through the journal (the deferred-index record
// committed, a transaction open) neither fails nor restores the indexes under the import; it
// reads what is committed, and the store is WAL again once the import ends.
TEST_F(RollbackJournalTest, AStoreOpenedDuringTheImportReadsBesideIt) {
  auto db = OpenStore(path_);
  db->Exec("DELETE FROM t");
  ASSERT_TRUE(DeferIndexes(*db));
  RollbackJournal journal(*db);
  ASSERT_TRUE(journal.active());
  db->Exec("BEGIN IMMEDIATE");
  db->Exec("INSERT INTO t VALUES('uncommitted')");

  auto t0 = std::chrono::steady_clock::now();
  auto report = OpenStore(path_);
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(waited, Db::kBusyTimeoutMs / 2000.0);
  EXPECT_NE(JournalMode(*report), "wal");
  auto deferred = [](Db& d) {
    Stmt q(d, "SELECT count(*) FROM meta WHERE key='deferred_indexes'");
    return q.Step() && q.Int(0) == 1;
  };
  EXPECT_TRUE(deferred(*report));  // left to the import
  {
    Stmt q(*report, "SELECT count(*) FROM t");
    ASSERT_TRUE(q.Step());
    EXPECT_EQ(q.Int(0), 0);
  }

  db->Exec("COMMIT");
  RestoreIndexes(*db);
  journal.Finish();
  EXPECT_EQ(JournalMode(*db), "wal");
  EXPECT_FALSE(deferred(*report));
  Stmt q(*report, "SELECT count(*) FROM t");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), 1);
  report.reset();
  EXPECT_EQ(ModeOnDisk(), "wal");
}

TEST_F(RollbackJournalTest, InMemoryStoresAreLeftAlone) {
  Db db(":memory:", Db::Mode::kReadWrite);
  RollbackJournal journal(db);
  EXPECT_FALSE(journal.active());
}

}  // namespace
}  // namespace cs

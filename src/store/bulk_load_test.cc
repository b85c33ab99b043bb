#include "store/bulk_load.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "store/schema.h"

namespace cs {
namespace {

// name -> CREATE statement of every explicit index and trigger.
std::map<std::string, std::string> Indexes(Db& db) {
  std::map<std::string, std::string> out;
  Stmt q(db,
         "SELECT name, sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND sql IS NOT "
         "NULL");
  while (q.Step())
    out[q.Text(0)] = q.Text(1);
  return out;
}

bool HasMeta(Db& db) {
  Stmt q(db, "SELECT 1 FROM meta WHERE key='deferred_indexes'");
  return q.Step();
}

class BulkLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ =
        (std::filesystem::temp_directory_path() / ("cs-bulk-" + std::to_string(::getpid()) + ".db"))
            .string();
    Remove();
    db_ = OpenStore(path_);
    schema_ = Indexes(*db_);
  }
  void TearDown() override {
    db_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal", "-import-lock"})
      std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
  std::unique_ptr<Db> db_;
  std::map<std::string, std::string> schema_;
};

TEST_F(BulkLoadTest, AnEmptyStoreDefersTheIngestIndexesAndGetsThemBackAsTheyWere) {
  ASSERT_TRUE(schema_.count("messages_session"));
  ASSERT_TRUE(DeferIndexes(*db_));
  auto during = Indexes(*db_);
  EXPECT_FALSE(during.count("messages_session"));
  EXPECT_FALSE(during.count("messages_time"));
  EXPECT_FALSE(during.count("tool_calls_name"));
  EXPECT_FALSE(during.count("tool_rollup_insert"));     // tool_rollup.h: rebuilt at the end
  EXPECT_FALSE(during.count("session_rollup_insert"));  // session_rollup.h: the same
  EXPECT_FALSE(during.count("usage_rollup_project"));   // upserted by primary key meanwhile
  EXPECT_FALSE(during.count("usage_rollup_session"));
  EXPECT_TRUE(during.count("tool_calls_failed"));  // partial: kept
  EXPECT_TRUE(during.count("sessions_started"));   // not an ingest-table index
  EXPECT_TRUE(HasMeta(*db_));
  EXPECT_FALSE(DeferIndexes(*db_));  // already deferred: nothing more to do
  db_->Exec(
      "INSERT INTO messages(dedupe_key, id, session_id, type, kind) "
      "VALUES ('k', 'm', 's', 'user', 'prompt')");
  db_->Exec(
      "INSERT INTO tool_calls(id, session_id, tool_name, success, timestamp) "
      "VALUES ('t1', 's', 'Bash', 0, 1800000)");
  db_->Exec(
      "INSERT INTO usage_rollup(bucket, session_id, model, project_path, cost_usd) "
      "VALUES (1800000, 's', 'claude-x', '/p', 0.5)");
  auto rollup = [&] {
    Stmt q(*db_,
           "SELECT count(*), coalesce(sum(calls), 0), coalesce(sum(errors), 0) FROM "
           "tool_rollup");
    q.Step();
    return std::tuple(q.Int(0), q.Int(1), q.Int(2));
  };
  EXPECT_EQ(rollup(), std::tuple(int64_t(0), int64_t(0), int64_t(0)));  // no trigger meanwhile
  EXPECT_EQ(RestoreIndexes(*db_), int(schema_.size() - during.size()));
  EXPECT_EQ(Indexes(*db_), schema_);
  EXPECT_FALSE(HasMeta(*db_));
  EXPECT_EQ(rollup(), std::tuple(int64_t(1), int64_t(1), int64_t(1)));
  Stmt sessions(*db_, "SELECT parts, cost_usd FROM session_rollup WHERE session_id = 's'");
  ASSERT_TRUE(sessions.Step());
  EXPECT_EQ(sessions.Int(0), 1);
  EXPECT_DOUBLE_EQ(sessions.Real(1), 0.5);
  EXPECT_EQ(RestoreIndexes(*db_), 0);
}

TEST_F(BulkLoadTest, AStoreWithMessagesKeepsItsIndexes) {
  db_->Exec(
      "INSERT INTO messages(dedupe_key, id, session_id, type, kind) "
      "VALUES ('k', 'm', 's', 'user', 'prompt')");
  EXPECT_FALSE(DeferIndexes(*db_));
  EXPECT_EQ(Indexes(*db_), schema_);
}

TEST_F(BulkLoadTest, OpeningTheStoreRestoresIndexesAnInterruptedImportLeftOut) {
  ASSERT_TRUE(DeferIndexes(*db_));
  db_.reset();  // as if the import had been killed here
  db_ = OpenStore(path_);
  EXPECT_EQ(Indexes(*db_), schema_);
  EXPECT_FALSE(HasMeta(*db_));
}

TEST_F(BulkLoadTest, ARestoreStoppedMidwayIsFinishedByTheNextOpen) {
  ASSERT_TRUE(DeferIndexes(*db_));
  // The first index's transaction committed, then the process died.
  db_->Exec(schema_.at("messages_session"));
  db_.reset();
  db_ = OpenStore(path_);
  EXPECT_EQ(Indexes(*db_), schema_);
  EXPECT_FALSE(HasMeta(*db_));
}

TEST_F(BulkLoadTest, OneProcessAtATimeHoldsTheBulkLoadLock) {
  {
    BulkLoadLock first(path_);
    ASSERT_TRUE(first.held());
    EXPECT_TRUE(BulkLoadRunning(path_));
    BulkLoadLock second(path_);  // another open file: as another process would
    EXPECT_FALSE(second.held());
  }
  EXPECT_FALSE(BulkLoadRunning(path_));
  BulkLoadLock third(path_);
  EXPECT_TRUE(third.held());
  EXPECT_TRUE(BulkLoadLock(":memory:").held());  // nobody else can open it
  EXPECT_TRUE(BulkLoadLock(":memory:").held());
  EXPECT_FALSE(BulkLoadRunning(":memory:"));
}

// Another process opening the store while the import that deferred the indexes runs leaves
// them (and the rollups rebuilt with them) to that import.
TEST_F(BulkLoadTest, ARunningImportsIndexesAreLeftToIt) {
  auto lock = std::make_unique<BulkLoadLock>(path_);
  ASSERT_TRUE(lock->held());
  ASSERT_TRUE(DeferIndexes(*db_));
  auto other = OpenStore(path_);
  EXPECT_TRUE(HasMeta(*other));
  EXPECT_FALSE(Indexes(*other).count("messages_session"));
  other.reset();
  lock.reset();  // the import ended without restoring them (a crash): the next open does
  other = OpenStore(path_);
  EXPECT_FALSE(HasMeta(*other));
  EXPECT_EQ(Indexes(*other), schema_);
}

// The lock goes with the process that held it: a killed import's indexes are restored.
TEST_F(BulkLoadTest, AKilledImportsLockGoesWithIt) {
  db_.reset();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    BulkLoadLock lock(path_);
    auto db = OpenStore(path_);
    ::_exit(lock.held() && DeferIndexes(*db) ? 0 : 1);  // no destructors: as if killed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(BulkLoadRunning(path_));
  db_ = OpenStore(path_);
  EXPECT_FALSE(HasMeta(*db_));
  EXPECT_EQ(Indexes(*db_), schema_);
}

int Commits(Db& db, const std::function<void()>& f) {
  int n = 0;
  sqlite3_commit_hook(
      db.raw(),
      [](void* p) {
        ++*static_cast<int*>(p);
        return 0;
      },
      &n);
  f();
  sqlite3_commit_hook(db.raw(), nullptr, nullptr);
  return n;
}

// With a WAL each index commits on its own (the checkpointer copies one while the next is
// built); with a rollback journal every commit syncs the file, so all go in one.
TEST_F(BulkLoadTest, TheRestoreCommitsPerIndexOnlyWithAWal) {
  ASSERT_TRUE(DeferIndexes(*db_));
  const int deferred = int(schema_.size() - Indexes(*db_).size());
  ASSERT_GT(deferred, 1);
  EXPECT_EQ(Commits(*db_, [&] { RestoreIndexes(*db_); }), deferred + 1);
  EXPECT_EQ(Indexes(*db_), schema_);

  db_->Exec("PRAGMA journal_mode=TRUNCATE");
  ASSERT_TRUE(DeferIndexes(*db_));
  EXPECT_EQ(Commits(*db_, [&] { RestoreIndexes(*db_); }), 1);
  EXPECT_EQ(Indexes(*db_), schema_);
  EXPECT_FALSE(HasMeta(*db_));
}

}  // namespace
}  // namespace cs

#include "store/schema.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "store/tool_rollup.h"

namespace cs {
namespace {

std::vector<std::string> IndexColumns(Db& db, const std::string& index) {
  std::vector<std::string> cols;
  Stmt q(db, "SELECT name FROM pragma_index_info(?1) ORDER BY seqno");
  q.Bind(1, index);
  while (q.Step())
    cols.push_back(q.Text(0));
  return cols;
}

int64_t UserVersion(Db& db) {
  Stmt q(db, "PRAGMA user_version");
  return q.Step() ? q.Int(0) : -1;
}

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("cs-schema-" + std::to_string(::getpid()) + ".db"))
                .string();
    Remove();
  }
  void TearDown() override { Remove(); }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
};

const std::vector<std::string> kToolStatsIndex = {"tool_name", "timestamp", "success",
                                                  "duration_ms", "session_id"};

TEST_F(SchemaTest, ANewStoreHasTheLatestSchema) {
  auto db = OpenStore(path_);
  EXPECT_EQ(UserVersion(*db), kSchemaVersion);
  EXPECT_EQ(IndexColumns(*db, "tool_calls_name"), kToolStatsIndex);
}

TEST_F(SchemaTest, ANewStoreHasLargePagesAndAnOldOneKeepsItsOwn) {
  {
    auto db = OpenStore(path_);
    Stmt q(*db, "PRAGMA page_size");
    ASSERT_TRUE(q.Step());
    EXPECT_EQ(q.Int(0), 16384);
  }
  Remove();
  {
    Db raw(path_, Db::Mode::kReadWrite);
    raw.Exec("PRAGMA page_size=4096");
    raw.Exec("CREATE TABLE t(x)");
  }
  auto db = OpenStore(path_);  // migrates the store in place: the page size stays
  Stmt q(*db, "PRAGMA page_size");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), 4096);
  EXPECT_EQ(UserVersion(*db), kSchemaVersion);
}

// Heap bytes held by the connection's page cache.
int64_t CacheBytes(Db& db) {
  int now = 0, high = 0;
  sqlite3_db_status(db.raw(), SQLITE_DBSTATUS_CACHE_USED, &now, &high, 0);
  return now;
}

// SQLite keeps a cache's number of pages when the page size changes: a size set before a new
// store had its 16 KiB pages held ~4x as many bytes as asked. ~80 MiB of rows written to a new
// store, then read back from it reopened, must leave the writer's cache at its 64 MiB (page
// headers add a few per cent), neither far above nor far below.
TEST_F(SchemaTest, TheWritersPageCacheHoldsItsSizeInANewStoreAndAnExistingOne) {
  constexpr int64_t kMiB = 1 << 20;
  const std::string value(16000, 'x');  // one 16 KiB page per row
  {
    auto db = OpenStore(path_);
    Stmt put(*db, "INSERT INTO meta(key, value) VALUES(?1, ?2)");
    Transaction tx(*db, /*immediate=*/true);
    for (int i = 0; i < 5000; ++i)
      put.Bind(1, "k" + std::to_string(i)).Bind(2, value).Run();
    tx.Commit();
    EXPECT_LE(CacheBytes(*db), 72 * kMiB);
    EXPECT_GE(CacheBytes(*db), 56 * kMiB);
  }
  auto db = OpenStore(path_);
  Stmt sum(*db, "SELECT sum(length(value)) FROM meta WHERE key LIKE 'k%'");
  ASSERT_TRUE(sum.Step());
  EXPECT_EQ(sum.Int(0), 5000 * int64_t(value.size()));
  EXPECT_LE(CacheBytes(*db), 72 * kMiB);
  EXPECT_GE(CacheBytes(*db), 56 * kMiB);
}

// FTS5's stored `hashsize`, or -1 when the store has none (FTS5's default).
int64_t FtsHashSize(Db& db) {
  Stmt q(db, "SELECT v FROM messages_fts_config WHERE k='hashsize'");
  return q.Step() ? q.Int(0) : int64_t(-1);
}

TEST_F(SchemaTest, TheFullTextIndexBuffersSixteenMebibytesInEveryStore) {
  {
    auto db = OpenStore(path_);
    EXPECT_EQ(FtsHashSize(*db), 16 << 20);
    // A store with FTS5's default (no row) or another value gets it at its next open.
    db->Exec("DELETE FROM messages_fts_config WHERE k='hashsize'");
    EXPECT_EQ(FtsHashSize(*db), -1);
  }
  auto db = OpenStore(path_);
  EXPECT_EQ(FtsHashSize(*db), 16 << 20);
  // FTS5 reads it back as its own setting (a bad value would fail this insert).
  db->Exec(
      "INSERT INTO messages(dedupe_key, id, session_id, type, kind, content_text) "
      "VALUES ('k', 'k', 's', 'user', 'prompt', 'probe words')");
  db->Exec(
      "INSERT INTO messages_fts(rowid, content_text) SELECT rowid, content_text FROM messages");
  Stmt q(*db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'probe'");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), 1);
}

// The setting is written by whichever open finds it missing, a report's included: while
// another writer holds the store past the busy timeout (10 s), the open still succeeds and a
// later one writes it.
TEST_F(SchemaTest, ABusyStoreOpensWithoutTheHashSizeAndALaterOpenSetsIt) {
  {
    auto db = OpenStore(path_);
    db->Exec("DELETE FROM messages_fts_config WHERE k='hashsize'");
  }
  Db holder(path_, Db::Mode::kReadWrite);
  holder.Exec("BEGIN IMMEDIATE");
  {
    std::unique_ptr<Db> db;
    ASSERT_NO_THROW(db = OpenStore(path_));
    EXPECT_EQ(FtsHashSize(*db), -1);
  }
  holder.Exec("COMMIT");
  auto db = OpenStore(path_);
  EXPECT_NE(FtsHashSize(*db), -1);
}

TEST_F(SchemaTest, AVersionOneStoreIsMigratedKeepingItsRows) {
  {
    auto db = OpenStore(path_);
    // Back to what version 1 had.
    db->Exec("DROP INDEX tool_calls_name");
    db->Exec("CREATE INDEX tool_calls_name ON tool_calls(tool_name, timestamp)");
    db->Exec("DROP TABLE prompt_rollup");
    db->Exec("DROP TABLE model_rollup");
    db->Exec("DROP INDEX tool_calls_duration");
    db->Exec("DROP INDEX tool_calls_failed");
    for (std::string table : {"tool_rollup", "session_rollup"}) {
      db->Exec("DROP TABLE " + table);
      for (const char* t : {"_insert", "_update", "_delete"})
        db->Exec("DROP TRIGGER " + table + t);
    }
    db->Exec(
        "INSERT INTO usage_rollup(bucket, session_id, model, project_path, assistant_messages, "
        "input_tokens, cost_usd) VALUES (900000, 's', 'claude-x', '/w/p', 1, 10, 0.25), "
        "(900000, 't', 'claude-x', '/w/p', 2, 5, 0.5), (900000, 's', '', '/w/p', 0, 0, 0)");
    db->Exec(
        "INSERT INTO tool_calls(id, session_id, tool_name, success, timestamp) VALUES "
        "('t1', 's', 'Bash', 1, NULL), ('t2', 's', 'Bash', 0, 1790000100000), "
        "('t3', 's', 'Read', 0, 1790000100000), ('t4', 's', NULL, 0, 1790000100000)");
    db->Exec("INSERT INTO sessions(id, project_path, project_name) VALUES ('s', '/w/p', 'p')");
    db->Exec(
        "INSERT INTO messages(dedupe_key, id, session_id, type, kind, content_text, timestamp, "
        "cost_usd) VALUES ('u1', 'u1', 's', 'user', 'prompt', 'please fix it', 1790000000000, 0), "
        "('a1', 'a1', 's', 'assistant', 'response', '', 1790000060000, 0.5)");
    db->Exec("PRAGMA user_version=1");
  }
  auto db = OpenStore(path_);
  EXPECT_EQ(UserVersion(*db), kSchemaVersion);
  EXPECT_EQ(IndexColumns(*db, "tool_calls_name"), kToolStatsIndex);
  Stmt q(*db, "SELECT count(*) FROM tool_calls WHERE tool_name='Bash'");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), 2);
  // Version 3 fills prompt_rollup from the messages already stored.
  Stmt p(*db, "SELECT session_id, category, project_path, prompts, cost_usd FROM prompt_rollup");
  ASSERT_TRUE(p.Step());
  EXPECT_EQ(p.Text(0), "s");
  EXPECT_EQ(p.Int(1), 0);  // bug_fix
  EXPECT_EQ(p.Text(2), "/w/p");
  EXPECT_EQ(p.Int(3), 1);
  EXPECT_DOUBLE_EQ(p.Real(4), 0.5);
  EXPECT_FALSE(p.Step());
  // Version 4 sums usage_rollup over sessions into model_rollup, leaving out model ''.
  Stmt m(*db,
         "SELECT bucket, model, project_path, assistant_messages, input_tokens, cost_usd "
         "FROM model_rollup");
  ASSERT_TRUE(m.Step());
  EXPECT_EQ(m.Int(0), 900000);
  EXPECT_EQ(m.Text(1), "claude-x");
  EXPECT_EQ(m.Text(2), "/w/p");
  EXPECT_EQ(m.Int(3), 3);
  EXPECT_EQ(m.Int(4), 15);
  EXPECT_DOUBLE_EQ(m.Real(5), 0.75);
  EXPECT_FALSE(m.Step());
  // Version 5 counts the named calls per bucket and tool (no time: kNoToolBucket).
  Stmt t(*db, "SELECT bucket, tool_name, calls, errors FROM tool_rollup ORDER BY 1, 2");
  std::vector<std::tuple<int64_t, std::string, int64_t, int64_t>> rows;
  while (t.Step())
    rows.emplace_back(t.Int(0), t.Text(1), t.Int(2), t.Int(3));
  EXPECT_EQ(rows, (std::vector<std::tuple<int64_t, std::string, int64_t, int64_t>>{
                      {kNoToolBucket, "Bash", 1, 0},
                      {1790000100000 / 900000 * 900000, "Bash", 1, 1},
                      {1790000100000 / 900000 * 900000, "Read", 1, 1}}));
  // Version 6 sums usage_rollup over models per bucket and session.
  Stmt r(*db,
         "SELECT bucket, session_id, parts, 0, input_tokens, cost_usd FROM session_rollup "
         "ORDER BY 2");
  ASSERT_TRUE(r.Step());
  EXPECT_EQ(r.Int(0), 900000);
  EXPECT_EQ(r.Text(1), "s");
  EXPECT_EQ(r.Int(2), 2);  // 'claude-x' and ''
  EXPECT_EQ(r.Int(4), 10);
  EXPECT_DOUBLE_EQ(r.Real(5), 0.25);
  ASSERT_TRUE(r.Step());
  EXPECT_EQ(r.Text(1), "t");
  EXPECT_EQ(r.Int(2), 1);
  EXPECT_EQ(r.Int(4), 5);
  EXPECT_FALSE(r.Step());
}

// Several processes opening a store that does not exist yet at the same moment (a hook, a
// report and an import, say): each creates or finds the schema, none fails.
TEST_F(SchemaTest, ProcessesCreatingTheSameStoreAtOnceAllSucceed) {
  constexpr int kProcesses = 4;
  int go[2];
  ASSERT_EQ(::pipe(go), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(go[1]);
      char c;
      if (::read(go[0], &c, 1) != 1) ::_exit(3);  // all start together
      try {
        auto db = OpenStore(path_);
        db->Exec("INSERT INTO meta(key, value) VALUES('child-" + std::to_string(i) + "', 'x')");
      } catch (const std::exception& e) {
        std::fprintf(stderr, "child %d: %s\n", i, e.what());
        ::_exit(1);
      }
      ::_exit(0);
    }
    children.push_back(pid);
  }
  ::close(go[0]);
  ASSERT_EQ(::write(go[1], std::string(kProcesses, 'g').data(), kProcesses), kProcesses);
  ::close(go[1]);
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  auto db = OpenStore(path_);
  EXPECT_EQ(UserVersion(*db), kSchemaVersion);
  Stmt q(*db, "SELECT count(*) FROM meta WHERE key LIKE 'child-%'");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), kProcesses);
}

TEST_F(SchemaTest, ANewerStoreIsRefused) {
  {
    auto db = OpenStore(path_);
    db->Exec("PRAGMA user_version=" + std::to_string(kSchemaVersion + 1));
  }
  EXPECT_THROW(OpenStore(path_), DbError);
}

}  // namespace
}  // namespace cs

#include "store/fts_build.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "store/schema.h"

namespace cs {
namespace {

namespace fs = std::filesystem;

// Rows with texts in a store on disk, and the same operations applied to its index either by
// an FtsBuild or by FTS5 directly (what the writer does outside a first import).
class FtsBuildTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "cs-ftsbuild-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<Db> Store(const std::string& name) {
    auto db = OpenStore(dir_ + "/" + name);
    // Every row has text: FTS5's check against the content table ('integrity-check', 1) counts
    // a row the writer leaves out of the index for having none as missing.
    for (int i = 1; i <= kRows; ++i)
      Insert(*db, i, TextOf(i));
    return db;
  }
  static void Insert(Db& db, int64_t rowid, const std::string& text) {
    Stmt q(db,
           "INSERT INTO messages(rowid, dedupe_key, id, session_id, type, kind, content_text) "
           "VALUES(?1, ?2, ?2, 's', 'user', 'prompt', ?3)");
    q.Bind(1, rowid).Bind(2, "k" + std::to_string(rowid)).Bind(3, text);
    q.Run();
  }
  static std::string TextOf(int i) {
    return "row" + std::to_string(i) + " common word" + (i % 3 == 0 ? " fizz" : "") +
           (i % 5 == 0 ? " buzz" : "");
  }
  // The operations of the rows' texts, then row 7's text grown (as a response continued in a
  // later transaction: its old text taken out, the new one indexed).
  static std::vector<FtsOp> Ops() {
    std::vector<FtsOp> ops;
    for (int i = 1; i <= kRows; ++i)
      ops.push_back({i, TextOf(i), false});
    ops.push_back({7, TextOf(7), true});
    ops.push_back({7, TextOf(7) + "\nlater zebra", false});
    return ops;
  }
  static void GrowRowSeven(Db& db) {
    Stmt q(db, "UPDATE messages SET content_text=?1 WHERE rowid=7");
    q.Bind(1, TextOf(7) + "\nlater zebra");
    q.Run();
  }
  static void ApplyDirectly(Db& db, const std::vector<FtsOp>& ops) {
    Stmt insert(db, "INSERT INTO messages_fts(rowid, content_text) VALUES(?1, ?2)");
    Stmt remove(db,
                "INSERT INTO messages_fts(messages_fts, rowid, content_text) "
                "VALUES('delete', ?1, ?2)");
    for (const auto& op : ops) {
      Stmt& q = op.remove ? remove : insert;
      q.Bind(1, op.rowid).Bind(2, op.text);
      q.Run();
    }
  }
  // rowid and bm25 of every match, best first.
  static std::string Matches(Db& db, const std::string& query) {
    Stmt q(db,
           "SELECT rowid, round(bm25(messages_fts), 9) FROM messages_fts WHERE messages_fts "
           "MATCH ?1 ORDER BY bm25(messages_fts), rowid");
    q.Bind(1, query);
    std::string out;
    while (q.Step())
      out += q.Text(0) + ":" + q.Text(1) + " ";
    return out;
  }
  static std::string Rowids(Db& db, const std::string& query) {
    Stmt q(db, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rowid");
    q.Bind(1, query);
    std::string out;
    while (q.Step())
      out += q.Text(0) + " ";
    return out;
  }
  static void ExpectConsistent(Db& db) {
    EXPECT_NO_THROW(
        db.Exec("INSERT INTO messages_fts(messages_fts, rank) VALUES('integrity-check', 1)"));
  }

  static constexpr int kRows = 3000;
  std::string dir_;
};

TEST_F(FtsBuildTest, ACopiedBuildAnswersAsTheIndexTheWriterWouldHaveWritten) {
  auto want = Store("want.db");
  GrowRowSeven(*want);
  ApplyDirectly(*want, Ops());

  auto store = Store("store.db");
  GrowRowSeven(*store);
  // The writer's connection has read the (empty) index before: FTS5 caches its structure.
  EXPECT_EQ(Matches(*store, "common"), "");
  {
    FtsBuild build(*store);
    EXPECT_TRUE(HasDeferredFts(*store));
    EXPECT_TRUE(fs::exists(FtsBuild::PathFor(store->path())));
    auto ops = Ops();
    // In several batches, as the writer commits them.
    build.Add(std::vector<FtsOp>(ops.begin(), ops.begin() + 1000));
    build.Add(std::vector<FtsOp>(ops.begin() + 1000, ops.end()));
    EXPECT_TRUE(build.Finish());
  }
  EXPECT_FALSE(HasDeferredFts(*store));
  EXPECT_FALSE(fs::exists(FtsBuild::PathFor(store->path())));
  for (const char* q : {"common", "fizz", "buzz", "fizz buzz", "zebra", "row7", "row2999"})
    EXPECT_EQ(Matches(*store, q), Matches(*want, q)) << q;
  EXPECT_NE(Matches(*store, "zebra"), "");
  ExpectConsistent(*store);

  // The same connection goes on indexing as the writer does after a first import: it must see
  // the copied structure, not the empty one it had cached.
  for (Db* db : {want.get(), store.get()}) {
    Insert(*db, kRows + 2, "afterwards common");
    ApplyDirectly(*db, {{kRows + 2, "afterwards common", false}});
  }
  EXPECT_EQ(Matches(*store, "afterwards"), Matches(*want, "afterwards"));
  EXPECT_EQ(Matches(*store, "common"), Matches(*want, "common"));
  ExpectConsistent(*store);
  auto reopened = OpenStore(store->path());
  EXPECT_EQ(Matches(*reopened, "common"), Matches(*want, "common"));
}

// The writer closes the build after its last batch, so that its last segment and commit
// overlap the index builds; an operation handed over after that would never be indexed, so it
// makes Finish() rebuild instead.
TEST_F(FtsBuildTest, ABuildClosedEarlyIsCopiedAndAnOperationAfterItRebuilds) {
  auto want = Store("want.db");
  GrowRowSeven(*want);
  ApplyDirectly(*want, Ops());
  const auto ops = Ops();
  {
    auto store = Store("closed.db");
    GrowRowSeven(*store);
    FtsBuild build(*store);
    build.Add(std::vector<FtsOp>(ops.begin(), ops.end()));
    build.Close();
    EXPECT_TRUE(build.Finish());
    for (const char* q : {"common", "fizz buzz", "row2999"})
      EXPECT_EQ(Matches(*store, q), Matches(*want, q)) << q;
    ExpectConsistent(*store);
  }
  auto store = Store("late.db");
  GrowRowSeven(*store);
  FtsBuild build(*store);
  build.Add(std::vector<FtsOp>(ops.begin(), ops.begin() + 1000));
  build.Close();
  build.Add(std::vector<FtsOp>(ops.begin() + 1000, ops.end()));
  EXPECT_FALSE(build.Finish());
  EXPECT_FALSE(HasDeferredFts(*store));
  for (const char* q : {"common", "fizz buzz", "row2999"})
    EXPECT_EQ(Matches(*store, q), Matches(*want, q)) << q;
  ExpectConsistent(*store);
}

TEST_F(FtsBuildTest, AnIndexSomeoneElseWroteMeanwhileIsRebuiltNotReplaced) {
  auto store = Store("store.db");
  FtsBuild build(*store);
  build.Add(Ops());
  // Another writer indexed a row of its own while the build ran.
  Insert(*store, kRows + 2, "theirs");
  ApplyDirectly(*store, {{kRows + 2, "theirs", false}});
  GrowRowSeven(*store);
  EXPECT_FALSE(build.Finish());
  EXPECT_FALSE(HasDeferredFts(*store));
  EXPECT_FALSE(fs::exists(FtsBuild::PathFor(store->path())));
  EXPECT_EQ(Rowids(*store, "theirs"), std::to_string(kRows + 2) + " ");
  EXPECT_NE(Matches(*store, "zebra"), "");
  EXPECT_NE(Matches(*store, "common"), "");
  ExpectConsistent(*store);
}

TEST_F(FtsBuildTest, ABuildThatNeverFinishesLeavesTheRebuildToTheNextOpen) {
  std::string path;
  {
    auto store = Store("store.db");
    path = store->path();
    {
      FtsBuild build(*store);
      build.Add(Ops());
    }  // an error in the import: no Finish()
    EXPECT_FALSE(fs::exists(FtsBuild::PathFor(path)));
    EXPECT_TRUE(HasDeferredFts(*store));
    EXPECT_EQ(Matches(*store, "common"), "");
  }
  auto store = OpenStore(path);
  EXPECT_FALSE(HasDeferredFts(*store));
  Stmt q(*store, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'common'");
  ASSERT_TRUE(q.Step());
  EXPECT_EQ(q.Int(0), kRows);
  ExpectConsistent(*store);
  EXPECT_FALSE(RestoreFts(*store));  // nothing left to do
}

TEST_F(FtsBuildTest, AKilledImportsBuildFileGoesWithTheRebuild) {
  std::string path;
  {
    auto store = Store("store.db");
    path = store->path();
    // What a first import killed mid-way leaves: the record, and its build file.
    store->Exec("INSERT INTO meta(key, value) VALUES('deferred_fts', '1')");
    std::ofstream junk(FtsBuild::PathFor(path));
    junk << "half a build";
  }
  auto store = OpenStore(path);
  EXPECT_FALSE(HasDeferredFts(*store));
  EXPECT_FALSE(fs::exists(FtsBuild::PathFor(path)));
  EXPECT_EQ(Rowids(*store, "row7"), "7 ");
}

TEST_F(FtsBuildTest, ALeftoverBuildFileIsReplaced) {
  auto store = Store("store.db");
  GrowRowSeven(*store);
  {
    std::ofstream junk(FtsBuild::PathFor(store->path()));
    junk << "not a database";
  }
  FtsBuild build(*store);
  build.Add(Ops());
  EXPECT_TRUE(build.Finish());
  EXPECT_EQ(Rowids(*store, "zebra"), "7 ");
  ExpectConsistent(*store);
}

}  // namespace
}  // namespace cs

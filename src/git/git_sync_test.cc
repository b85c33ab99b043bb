#include "git/git_sync.h"

#include <git2.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "store/test_seed.h"

namespace cs {
namespace {

namespace fs = std::filesystem;

using test::kT0;
constexpr int64_t kMin = 60 * 1000;

void Ok(int rc) {
  ASSERT_EQ(rc, 0) << (git_error_last() ? git_error_last()->message : "");
}

// Builds commits with chosen author times directly as objects (no work tree, no index), so the
// test controls every tree exactly.
class RepoBuilder {
 public:
  explicit RepoBuilder(const std::string& dir) {
    git_libgit2_init();
    Ok(git_repository_init(&repo_, dir.c_str(), 0));
  }
  ~RepoBuilder() {
    git_repository_free(repo_);
    git_libgit2_shutdown();
  }

  // Commits `files` (added or replaced) on top of `parents[0]`'s tree and moves `branch` to it.
  git_oid Commit(const std::string& branch, const std::vector<git_oid>& parents,
                 const std::map<std::string, std::string>& files, const std::string& message,
                 int64_t author_ms) {
    git_oid result{};
    std::vector<git_commit*> parent_commits;
    git_tree* base = nullptr;
    for (const auto& p : parents) {
      git_commit* c = nullptr;
      Ok(git_commit_lookup(&c, repo_, &p));
      parent_commits.push_back(c);
    }
    if (!parent_commits.empty()) Ok(git_commit_tree(&base, parent_commits[0]));
    git_treebuilder* tb = nullptr;
    Ok(git_treebuilder_new(&tb, repo_, base));
    for (const auto& [name, content] : files) {
      git_oid blob;
      Ok(git_blob_create_from_buffer(&blob, repo_, content.data(), content.size()));
      Ok(git_treebuilder_insert(nullptr, tb, name.c_str(), &blob, GIT_FILEMODE_BLOB));
    }
    git_oid tree_id;
    Ok(git_treebuilder_write(&tree_id, tb));
    git_tree* tree = nullptr;
    Ok(git_tree_lookup(&tree, repo_, &tree_id));
    git_signature* author = nullptr;
    Ok(git_signature_new(&author, "Ann Author", "ann@example.com", author_ms / 1000, 60));
    std::string ref = "refs/heads/" + branch;
    std::vector<const git_commit*> cparents(parent_commits.begin(), parent_commits.end());
    Ok(git_commit_create(&result, repo_, ref.c_str(), author, author, nullptr, message.c_str(),
                         tree, cparents.size(), cparents.data()));
    git_signature_free(author);
    git_tree_free(tree);
    git_treebuilder_free(tb);
    git_tree_free(base);
    for (auto* c : parent_commits)
      git_commit_free(c);
    return result;
  }

 private:
  git_repository* repo_ = nullptr;
};

// git_oid_fmt needs no library state: git_oid_tostr_s would allocate thread state after the
// builder has shut libgit2 down, which LeakSanitizer rightly reports.
std::string Hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ];
  git_oid_fmt(buf, &id);
  return std::string(buf, sizeof buf);
}

class GitSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "csgit-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    repo_ = (dir_ / "repo").string();
    plain_ = (dir_ / "plain").string();
    fs::create_directories(repo_);
    fs::create_directories(plain_);
    RepoBuilder b(repo_);
    // Outside every session: never stored.
    old_ = b.Commit("main", {}, {{"a.txt", "1\n2\n"}}, "init", kT0 - 60 * kMin);
    c1_ = b.Commit("main", {old_}, {{"a.txt", "1\n2\n3\n"}, {"b.txt", "x\ny\nz\n"}}, "feat: add b",
                   kT0 + 1 * kMin);
    c2_ = b.Commit("main", {c1_},
                   {{"a.txt", "1\n2\nthree\n"}, {"bin.dat", std::string("\0\1\2\3PNG\0", 8)}},
                   "fix: a | b\n\nbody line 1\nbody | line 2\n", kT0 + 10 * kMin);
    c3_ = b.Commit("feature", {c1_}, {{"f.txt", "f1\nf2\n"}}, "feature work", kT0 + 13 * kMin);
    merge_ = b.Commit("main", {c2_, c3_}, {{"f.txt", "f1\nf2\n"}}, "Merge branch 'feature'",
                      kT0 + 30 * kMin);
    late_ = b.Commit("main", {merge_}, {{"late.txt", "l\n"}}, "late", kT0 + 180 * kMin);
    fs::create_directories(fs::path(repo_) / "sub");

    AddSession("A", repo_, kT0, kT0 + 15 * kMin);
    AddSession("B", repo_ + "/sub", kT0 + 12 * kMin, kT0 + 40 * kMin);
    AddSession("C", plain_, kT0, kT0 + 60 * kMin);
    AddSession("D", std::nullopt, kT0, kT0 + 60 * kMin);
    AddSession("E", "/nonexistent/claudescope/test/dir", kT0, kT0 + 60 * kMin);
    // c3 at +13 min is inside both A's and B's windows: B was active more recently.
    AddMessage("A", "a-msg", kT0 + 5 * kMin);
    AddMessage("B", "b-msg", kT0 + 12 * kMin + 30000);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void AddSession(const std::string& id, std::optional<std::string> cwd, int64_t start,
                  int64_t last) {
    Stmt q(seed.db(),
           "INSERT INTO sessions(id, cwd, started_at, last_activity_at) VALUES(?1, ?2, ?3, ?4)");
    q.Bind(1, id).Bind(2, cwd).Bind(3, start).Bind(4, last);
    q.Run();
  }
  void AddMessage(const std::string& session, const std::string& id, int64_t ts) {
    Stmt q(seed.db(),
           "INSERT INTO messages(dedupe_key, id, session_id, type, kind, timestamp) "
           "VALUES(?1, ?1, ?2, 'user', 'prompt', ?3)");
    q.Bind(1, id).Bind(2, session).Bind(3, ts);
    q.Run();
  }

  struct Row {
    std::string session, message, author, repo;
    int64_t at = 0, files = 0, ins = 0, del = 0;
  };
  std::map<std::string, Row> Commits() {
    std::map<std::string, Row> out;
    Stmt q(seed.db(),
           "SELECT hash, session_id, message, author, committed_at, files_changed, insertions, "
           "deletions, repo_path FROM commits");
    while (q.Step()) {
      out[q.Text(0)] =
          Row{q.Text(1), q.Text(2), q.Text(3), q.Text(8), q.Int(4), q.Int(5), q.Int(6), q.Int(7)};
    }
    return out;
  }

  test::SeedStore seed;
  fs::path dir_;
  std::string repo_, plain_;
  git_oid old_{}, c1_{}, c2_{}, c3_{}, merge_{}, late_{};
};

TEST_F(GitSyncTest, LinksCommitsOfAllBranchesToTheActiveSession) {
  GitSyncResult r = SyncGitCommits(seed.db(), {});
  EXPECT_EQ(r.repos, 1);
  EXPECT_EQ(r.commits, 4);
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.repo_paths.size(), 1u);
  EXPECT_EQ(fs::canonical(r.repo_paths[0]), fs::canonical(repo_));

  auto rows = Commits();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_FALSE(rows.count(Hex(old_)));
  EXPECT_FALSE(rows.count(Hex(late_)));

  const Row& c1 = rows.at(Hex(c1_));
  EXPECT_EQ(c1.session, "A");
  EXPECT_EQ(c1.at, kT0 + 1 * kMin);
  EXPECT_EQ(c1.author, "Ann Author <ann@example.com>");
  EXPECT_EQ(c1.files, 2);
  EXPECT_EQ(c1.ins, 4);  // one line of a.txt, three of b.txt
  EXPECT_EQ(c1.del, 0);

  const Row& c2 = rows.at(Hex(c2_));
  EXPECT_EQ(c2.session, "A");
  EXPECT_EQ(c2.message, "fix: a | b\n\nbody line 1\nbody | line 2\n");
  EXPECT_EQ(c2.files, 2);  // a.txt and the binary file
  EXPECT_EQ(c2.ins, 1);
  EXPECT_EQ(c2.del, 1);

  EXPECT_EQ(rows.at(Hex(c3_)).session, "B");  // tie: B's activity is more recent
  const Row& merge = rows.at(Hex(merge_));
  EXPECT_EQ(merge.session, "B");
  EXPECT_EQ(merge.files, 1);  // against the first parent: the feature's f.txt
  EXPECT_EQ(merge.ins, 2);

  std::map<std::string, std::string> skipped;
  for (const auto& s : r.skipped)
    skipped[s.session_id] = s.reason;
  EXPECT_EQ(skipped.size(), 3u);
  EXPECT_EQ(skipped["C"], "not a git repository");
  EXPECT_EQ(skipped["D"], "no cwd");
  EXPECT_EQ(skipped["E"], "cwd not found");
  auto j = r.ToJson();
  EXPECT_EQ(j["commits"], 4);
  EXPECT_EQ(j["skipped"].size(), 3u);

  // Idempotent.
  GitSyncResult again = SyncGitCommits(seed.db(), {});
  EXPECT_EQ(again.commits, 4);
  EXPECT_EQ(Commits().size(), 4u);
}

TEST_F(GitSyncTest, OptionsNarrowTheSync) {
  GitSyncOptions only_c;
  only_c.session_id = "C";
  GitSyncResult r = SyncGitCommits(seed.db(), only_c);
  EXPECT_EQ(r.repos, 0);
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_EQ(r.skipped[0].session_id, "C");
  EXPECT_TRUE(Commits().empty());

  GitSyncOptions by_repo;
  by_repo.repo = repo_ + "/sub";
  r = SyncGitCommits(seed.db(), by_repo);
  EXPECT_EQ(r.repos, 1);
  EXPECT_EQ(r.commits, 4);

  GitSyncOptions not_repo;
  not_repo.repo = plain_;
  r = SyncGitCommits(seed.db(), not_repo);
  EXPECT_EQ(r.repos, 0);
  EXPECT_EQ(r.errors.size(), 1u);

  GitSyncOptions since;
  since.since_ms = kT0 + 20 * kMin;  // only B (and the non-repo sessions) remain
  seed.Exec("DELETE FROM commits");
  r = SyncGitCommits(seed.db(), since);
  EXPECT_EQ(r.commits, 2);  // c3 and the merge; c1/c2 have no active session left
}

}  // namespace
}  // namespace cs

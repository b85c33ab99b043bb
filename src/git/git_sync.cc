#include "git/git_sync.h"

#include "git/libgit2.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>

namespace cs {

namespace {

// Commits a little before a session's first message still count toward the scanned range (a
// commit made just as a session starts); attribution itself uses the exact window.
constexpr int64_t kRangeSlackMs = kCommitGraceMs;

struct SessionRow {
  std::string id, cwd;
  int64_t started_at = 0, last_activity_at = 0;
};

// libgit2's global state is reference-counted: each sync holds one reference.
class GitLib {
 public:
  GitLib() : git_(Git2()) { git_.git_libgit2_init(); }
  ~GitLib() { git_.git_libgit2_shutdown(); }
  GitLib(const GitLib&) = delete;
  GitLib& operator=(const GitLib&) = delete;

 private:
  const Libgit2& git_;
};

template <typename T, auto Free>
struct GitDeleter {
  void operator()(T* p) const {
    if (p) (Git2().*Free)(p);
  }
};
using RepoPtr =
    std::unique_ptr<git_repository, GitDeleter<git_repository, &Libgit2::git_repository_free>>;
using WalkPtr = std::unique_ptr<git_revwalk, GitDeleter<git_revwalk, &Libgit2::git_revwalk_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitDeleter<git_commit, &Libgit2::git_commit_free>>;
using TreePtr = std::unique_ptr<git_tree, GitDeleter<git_tree, &Libgit2::git_tree_free>>;
using DiffPtr = std::unique_ptr<git_diff, GitDeleter<git_diff, &Libgit2::git_diff_free>>;
using StatsPtr =
    std::unique_ptr<git_diff_stats, GitDeleter<git_diff_stats, &Libgit2::git_diff_stats_free>>;

std::string LastGitError() {
  const git_error* e = Git2().git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

void Check(int rc, const char* what) {
  if (rc < 0) throw std::runtime_error(std::string(what) + ": " + LastGitError());
}

// The work-tree root of the repository containing `dir`, or "" with *reason set.
std::string WorkTreeOf(const std::string& dir, std::string* reason) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    *reason = "cwd not found";
    return "";
  }
  git_repository* raw = nullptr;
  if (Git2().git_repository_open_ext(&raw, dir.c_str(), 0, nullptr) < 0) {
    *reason = "not a git repository";
    return "";
  }
  RepoPtr repo(raw);
  const char* workdir = Git2().git_repository_workdir(repo.get());
  if (!workdir) {
    *reason = "bare repository";
    return "";
  }
  std::string root = workdir;
  while (root.size() > 1 && root.back() == '/')
    root.pop_back();
  return root;
}

struct CommitRow {
  std::string hash, message, author;
  int64_t committed_at = 0;
  int64_t files = 0, insertions = 0, deletions = 0;
};

void DiffStats(git_repository* repo, git_commit* commit, CommitRow* row) {
  git_tree* raw_tree = nullptr;
  Check(Git2().git_commit_tree(&raw_tree, commit), "commit tree");
  TreePtr tree(raw_tree);
  TreePtr parent_tree;
  if (Git2().git_commit_parentcount(commit) > 0) {
    git_commit* raw_parent = nullptr;
    Check(Git2().git_commit_parent(&raw_parent, commit, 0), "first parent");
    CommitPtr parent(raw_parent);
    git_tree* raw_ptree = nullptr;
    Check(Git2().git_commit_tree(&raw_ptree, parent.get()), "parent tree");
    parent_tree.reset(raw_ptree);
  }
  git_diff_options opts;
  Git2().git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
  git_diff* raw_diff = nullptr;
  Check(Git2().git_diff_tree_to_tree(&raw_diff, repo, parent_tree.get(), tree.get(), &opts),
        "diff");
  DiffPtr diff(raw_diff);
  git_diff_stats* raw_stats = nullptr;
  Check(Git2().git_diff_get_stats(&raw_stats, diff.get()), "diff stats");
  StatsPtr stats(raw_stats);
  row->files = int64_t(Git2().git_diff_stats_files_changed(stats.get()));
  row->insertions = int64_t(Git2().git_diff_stats_insertions(stats.get()));
  row->deletions = int64_t(Git2().git_diff_stats_deletions(stats.get()));
}

// The latest message time of `session` at or before `t` (0 when none).
int64_t LastActivityBefore(Db& db, const std::string& session, int64_t t) {
  Stmt q(db, "SELECT max(timestamp) FROM messages WHERE session_id = ?1 AND timestamp <= ?2");
  q.Bind(1, session).Bind(2, t);
  return q.Step() && !q.IsNull(0) ? q.Int(0) : 0;
}

const SessionRow* Attribute(Db& db, const std::vector<SessionRow>& sessions, int64_t t) {
  const SessionRow* best = nullptr;
  int64_t best_activity = 0;
  int candidates = 0;
  for (const auto& s : sessions) {
    if (t < s.started_at || t > s.last_activity_at + kCommitGraceMs) continue;
    ++candidates;
    if (!best) {
      best = &s;
      continue;
    }
    if (candidates == 2) best_activity = LastActivityBefore(db, best->id, t);
    int64_t activity = LastActivityBefore(db, s.id, t);
    if (activity > best_activity ||
        (activity == best_activity && (s.started_at > best->started_at ||
                                       (s.started_at == best->started_at && s.id < best->id)))) {
      best = &s;
      best_activity = activity;
    }
  }
  return best;
}

int64_t SyncRepo(Db& db, const std::string& root, const std::vector<SessionRow>& sessions) {
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const auto& s : sessions) {
    lo = std::min(lo, s.started_at - kRangeSlackMs);
    hi = std::max(hi, s.last_activity_at + kRangeSlackMs);
  }
  git_repository* raw_repo = nullptr;
  Check(Git2().git_repository_open(&raw_repo, root.c_str()), "open");
  RepoPtr repo(raw_repo);
  git_revwalk* raw_walk = nullptr;
  Check(Git2().git_revwalk_new(&raw_walk, repo.get()), "revwalk");
  WalkPtr walk(raw_walk);
  Git2().git_revwalk_sorting(walk.get(), GIT_SORT_TIME);
  // Every local branch; a repository without any (fresh `git init`) has nothing to link.
  int rc = Git2().git_revwalk_push_glob(walk.get(), "refs/heads/*");
  if (rc < 0) return 0;

  std::vector<std::pair<CommitRow, std::string>> found;  // row, session id
  git_oid oid;
  while (Git2().git_revwalk_next(&oid, walk.get()) == 0) {
    git_commit* raw_commit = nullptr;
    if (Git2().git_commit_lookup(&raw_commit, repo.get(), &oid) < 0) continue;
    CommitPtr commit(raw_commit);
    const git_signature* author = Git2().git_commit_author(commit.get());
    if (!author) continue;
    int64_t t = int64_t(author->when.time) * 1000;
    if (t < lo || t > hi) continue;
    const SessionRow* owner = Attribute(db, sessions, t);
    if (!owner) continue;
    CommitRow row;
    char hex[GIT_OID_HEXSZ];
    Git2().git_oid_fmt(hex, &oid);
    row.hash.assign(hex, sizeof hex);
    const char* message = Git2().git_commit_message(commit.get());
    row.message = message ? message : "";
    row.author = std::string(author->name ? author->name : "") + " <" +
                 (author->email ? author->email : "") + ">";
    row.committed_at = t;
    DiffStats(repo.get(), commit.get(), &row);
    found.emplace_back(std::move(row), owner->id);
  }

  Transaction tx(db);
  Stmt up(db, R"SQL(
INSERT INTO commits(repo_path, hash, session_id, message, author, committed_at, files_changed,
  insertions, deletions)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT(repo_path, hash) DO UPDATE SET session_id=excluded.session_id,
  message=excluded.message, author=excluded.author, committed_at=excluded.committed_at,
  files_changed=excluded.files_changed, insertions=excluded.insertions,
  deletions=excluded.deletions)SQL");
  for (const auto& [row, session] : found) {
    up.Bind(1, root)
        .Bind(2, row.hash)
        .Bind(3, session)
        .Bind(4, row.message)
        .Bind(5, row.author)
        .Bind(6, row.committed_at)
        .Bind(7, row.files)
        .Bind(8, row.insertions)
        .Bind(9, row.deletions);
    up.Run();
  }
  tx.Commit();
  return int64_t(found.size());
}

}  // namespace

nlohmann::json GitSyncResult::ToJson() const {
  nlohmann::json skipped_json = nlohmann::json::array();
  for (const auto& s : skipped) {
    skipped_json.push_back(
        {{"session_id", s.session_id},
         {"cwd", s.cwd.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.cwd)},
         {"reason", s.reason}});
  }
  return {{"repos", repos},
          {"commits", commits},
          {"repo_paths", repo_paths},
          {"skipped", std::move(skipped_json)},
          {"errors", errors}};
}

GitSyncResult SyncGitCommits(Db& db, const GitSyncOptions& o) {
  GitLib lib;
  GitSyncResult result;

  std::string only_root;
  if (o.repo) {
    std::string reason;
    only_root = WorkTreeOf(*o.repo, &reason);
    if (only_root.empty()) {
      result.errors.push_back(*o.repo + ": " + reason);
      return result;
    }
  }

  std::string sql = "SELECT id, cwd, started_at, last_activity_at FROM sessions WHERE 1=1";
  if (o.since_ms) sql += " AND last_activity_at >= ?1";
  sql += " ORDER BY started_at, id";
  std::vector<SessionRow> rows;
  std::vector<SessionRow> no_time;
  {
    Stmt q(db, sql);
    if (o.since_ms) q.Bind(1, *o.since_ms);
    while (q.Step()) {
      SessionRow r;
      r.id = q.Text(0);
      r.cwd = q.IsNull(1) ? "" : q.Text(1);
      if (q.IsNull(2) || q.IsNull(3)) {
        no_time.push_back(r);
        continue;
      }
      r.started_at = q.Int(2);
      r.last_activity_at = q.Int(3);
      rows.push_back(std::move(r));
    }
  }

  // Sessions per repository root; each distinct cwd is resolved once.
  std::map<std::string, std::vector<SessionRow>> by_repo;
  std::map<std::string, std::pair<std::string, std::string>> resolved;  // cwd -> root, reason
  std::string wanted_root;  // the repository of --session-id
  for (auto& r : rows) {
    if (r.cwd.empty()) {
      if (!o.session_id || *o.session_id == r.id) result.skipped.push_back({r.id, "", "no cwd"});
      continue;
    }
    auto it = resolved.find(r.cwd);
    if (it == resolved.end()) {
      std::string reason;
      std::string root = WorkTreeOf(r.cwd, &reason);
      it = resolved.emplace(r.cwd, std::make_pair(root, reason)).first;
    }
    const auto& [root, reason] = it->second;
    if (root.empty()) {
      if (!o.session_id || *o.session_id == r.id) result.skipped.push_back({r.id, r.cwd, reason});
      continue;
    }
    if (o.session_id && *o.session_id == r.id) wanted_root = root;
    by_repo[root].push_back(r);
  }
  for (const auto& r : no_time) {
    if (!o.session_id || *o.session_id == r.id) {
      result.skipped.push_back({r.id, r.cwd, "no activity times"});
    }
  }

  for (const auto& [root, sessions] : by_repo) {
    if (!only_root.empty() && root != only_root) continue;
    // One session's repository is scanned with all its sessions, so attribution stays right.
    if (o.session_id && root != wanted_root) continue;
    try {
      result.commits += SyncRepo(db, root, sessions);
      ++result.repos;
      result.repo_paths.push_back(root);
    } catch (const DbError&) {
      throw;
    } catch (const std::exception& e) {
      result.errors.push_back(root + ": " + e.what());
    }
  }
  return result;
}

}  // namespace cs

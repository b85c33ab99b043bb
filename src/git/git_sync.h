// Git sync: links the commits made while a session was active to that session
// (commits table; GET /api/sessions/{id}/commits reads them). Uses libgit2 only (never runs git).
//
// For each repository the selected sessions worked in (the work-tree root discovered from the
// session's cwd; each repository is scanned once), every local branch's history is walked and
// the commits whose author time lies in [min started_at - slack, max last_activity_at + slack]
// are attributed: a commit belongs to the session of that repository whose window
// [started_at, last_activity_at + kCommitGraceMs] holds its author time; when several do, to
// the one with the latest message at or before the commit (then the latest start, then the
// id). Commits no session claims are not stored. Each stored commit carries its full message,
// "name <email>", author time and the diff stats against its first parent (binary files count
// as changed, with 0 insertions and deletions). Rows are upserted (PK repo_path, hash), so a
// re-sync is idempotent and re-attributes after sessions grew.
//
// Contract: SyncGitCommits borrows a write connection (its own transaction per repository) and
// blocks for the whole walk: callers on a server thread run it on a background thread with a
// connection of its own. Thread-safe with respect to other syncs on other connections. A session
// whose cwd is missing, gone or not inside a repository is reported in `skipped`, never an
// error; a repository that cannot be read is reported in `errors`. DbError for store faults.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace cs {

inline constexpr int64_t kCommitGraceMs = 5 * 60 * 1000;

struct GitSyncOptions {
  std::optional<std::string> session_id;  // only this session's repository (and its sessions)
  std::optional<std::string> repo;        // only the repository containing this path
  std::optional<int64_t> since_ms;        // only sessions active at or after this time
};

struct GitSyncSkip {
  std::string session_id;
  std::string cwd;     // "" when the session has none
  std::string reason;  // "no cwd" | "cwd not found" | "not a git repository" | ...
};

struct GitSyncResult {
  int64_t repos = 0;    // repositories scanned
  int64_t commits = 0;  // commits linked to a session (stored or updated)
  std::vector<std::string> repo_paths;
  std::vector<GitSyncSkip> skipped;
  std::vector<std::string> errors;  // "<repo>: <libgit2 message>"
  // {"repos", "commits", "repo_paths", "skipped":[{session_id, cwd, reason}], "errors"}
  nlohmann::json ToJson() const;
};

GitSyncResult SyncGitCommits(Db& db, const GitSyncOptions& options);

}  // namespace cs

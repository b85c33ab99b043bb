// `claudescope git-sync [--repo PATH] [--since DATE] [--session-id ID]`: links the commits made
// during sessions to them (git/git_sync.h) and prints what it did.
#include <cstdio>

#include "cli/common.h"
#include "git/git_sync.h"
#include "store/schema.h"

namespace cs {

namespace {

struct GitSyncCliOptions {
  CommonOptions common;
  std::string repo, since, session_id;
  bool json = false;
};

int RunGitSync(const GitSyncCliOptions& o) {
  auto cfg = LoadConfigOrReport();
  if (!cfg) return 1;
  GitSyncOptions opts;
  if (!o.repo.empty()) opts.repo = o.repo;
  if (!o.session_id.empty()) opts.session_id = o.session_id;
  if (!o.since.empty()) {
    opts.since_ms = ParseRangeBound(o.since, cfg->tz, false);
    if (!opts.since_ms) {
      std::fprintf(stderr, "claudescope git-sync: --since: expected YYYY-MM-DD or RFC 3339\n");
      return 2;
    }
  }
  auto db = OpenStore(o.common.DbPath());
  GitSyncResult r = SyncGitCommits(*db, opts);
  if (o.json) {
    std::printf("%s\n", r.ToJson().dump(2).c_str());
    return r.errors.empty() ? 0 : 1;
  }
  std::printf("Linked %lld commit(s) in %lld repositor%s.\n", (long long)r.commits,
              (long long)r.repos, r.repos == 1 ? "y" : "ies");
  for (const auto& p : r.repo_paths)
    std::printf("  %s\n", p.c_str());
  if (!r.skipped.empty()) {
    std::printf("Skipped %zu session(s):\n", r.skipped.size());
    for (const auto& s : r.skipped) {
      std::printf("  %s  %s%s%s\n", s.session_id.c_str(), s.reason.c_str(),
                  s.cwd.empty() ? "" : ": ", s.cwd.c_str());
    }
  }
  for (const auto& e : r.errors)
    std::fprintf(stderr, "error: %s\n", e.c_str());
  return r.errors.empty() ? 0 : 1;
}

}  // namespace

void RegisterGitSync(CLI::App& root, int* exit_code) {
  auto o = std::make_shared<GitSyncCliOptions>();
  auto* c = root.add_subcommand("git-sync", "Link git commits to the sessions they were made in");
  o->common.Add(c);
  c->add_option("--repo", o->repo, "Only the repository containing this path");
  c->add_option("--since", o->since, "Only sessions active since (YYYY-MM-DD or RFC 3339)");
  c->add_option("--session-id", o->session_id, "Only this session's repository");
  c->add_flag("--json", o->json, "Print the result as JSON");
  c->callback([o, exit_code] {
    try {
      *exit_code = RunGitSync(*o);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "claudescope git-sync: %s\n", e.what());
      *exit_code = 1;
    }
  });
}

}  // namespace cs

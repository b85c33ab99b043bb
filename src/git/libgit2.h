// Libgit2: the libgit2 functions git sync uses, loaded with dlopen on first use instead of
// linked. Linking libgit2 made every claudescope command load it and the ~14 libraries it
// needs (Kerberos, mbedTLS, libssh2, ...) at start: ~6 ms of dynamic linking, an eighth of
// `daily --json`, for a feature only `git-sync` and the commits endpoints use.
//
// Contract: Git2() loads the library (the soname the build was configured against) once,
// thread-safely, and returns the table for the process's lifetime (the library is never
// unloaded). When the library or one of the functions cannot be loaded it throws
// std::runtime_error saying which and why, every time it is called.
#pragma once
#include <git2.h>

namespace cs {

#define CS_LIBGIT2_FUNCTIONS(X)   \
  X(git_libgit2_init)             \
  X(git_libgit2_shutdown)         \
  X(git_error_last)               \
  X(git_repository_open)          \
  X(git_repository_open_ext)      \
  X(git_repository_workdir)       \
  X(git_repository_free)          \
  X(git_revwalk_new)              \
  X(git_revwalk_sorting)          \
  X(git_revwalk_push_glob)        \
  X(git_revwalk_next)             \
  X(git_revwalk_free)             \
  X(git_commit_lookup)            \
  X(git_commit_author)            \
  X(git_commit_message)           \
  X(git_commit_tree)              \
  X(git_commit_parentcount)       \
  X(git_commit_parent)            \
  X(git_commit_free)              \
  X(git_oid_fmt)                  \
  X(git_tree_free)                \
  X(git_diff_options_init)        \
  X(git_diff_tree_to_tree)        \
  X(git_diff_get_stats)           \
  X(git_diff_stats_files_changed) \
  X(git_diff_stats_insertions)    \
  X(git_diff_stats_deletions)     \
  X(git_diff_stats_free)          \
  X(git_diff_free)

struct Libgit2 {
#define CS_LIBGIT2_MEMBER(name) decltype(&::name) name = nullptr;
  CS_LIBGIT2_FUNCTIONS(CS_LIBGIT2_MEMBER)
#undef CS_LIBGIT2_MEMBER
};

const Libgit2& Git2();

}  // namespace cs

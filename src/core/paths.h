// Where claudescope keeps its data: $CLAUDESCOPE_HOME, else $HOME/.claudescope. Shared by the
// full binary (config/config.h's Paths) and the light `claudescope hook` path in src/main.cc,
// which must not load anything heavier than libc. The path functions are pure functions of the
// environment; MakeDirs creates such directories (thread-safe, no state of its own).
#pragma once
#include <string>

namespace cs {

// $HOME, or "/root" when it is unset or empty.
std::string HomeDir();
// $CLAUDESCOPE_HOME, or HomeDir() + "/.claudescope".
std::string ClaudescopeHome();

// Where `claudescope hook` delivers events: the server's Unix socket, and the spool it
// falls back to, inside `home`.
std::string HookSocketPath(const std::string& home);
std::string SpoolDir(const std::string& home);

// Creates the missing directories of `dir` with mode 0700 (existing ones keep theirs). On
// failure returns false with "cannot create <dir>: <reason>" in *error.
bool MakeDirs(const std::string& dir, std::string* error);

}  // namespace cs

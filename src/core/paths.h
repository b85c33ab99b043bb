// Where claudescope keeps its data: $CLAUDESCOPE_HOME, else $HOME/.claudescope. Shared by the
// full binary (config/config.h's Paths) and the light `claudescope hook` path in src/main.cc,
// which must not load anything heavier than libc. Pure functions of the environment.
#pragma once
#include <string>

namespace cs {

// $HOME, or "/root" when it is unset or empty.
std::string HomeDir();
// $CLAUDESCOPE_HOME, or HomeDir() + "/.claudescope".
std::string ClaudescopeHome();

}  // namespace cs

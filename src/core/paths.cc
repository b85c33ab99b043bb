#include "core/paths.h"

#include <cstdlib>

namespace cs {

std::string HomeDir() {
  const char* h = std::getenv("HOME");
  return h && *h ? h : "/root";
}

std::string ClaudescopeHome() {
  const char* h = std::getenv("CLAUDESCOPE_HOME");
  return h && *h ? h : HomeDir() + "/.claudescope";
}

std::string HookSocketPath(const std::string& home) {
  return home + "/hook.sock";
}

std::string SpoolDir(const std::string& home) {
  return home + "/spool";
}

}  // namespace cs

#include "core/paths.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>

#include "core/errors.h"

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

bool MakeDirs(const std::string& dir, std::string* error) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string cur = dir.substr(0, pos);
    if (::mkdir(cur.c_str(), 0700) != 0 && errno != EEXIST) {
      *error = ErrnoText("cannot create " + cur);
      return false;
    }
  }
  return true;
}

}  // namespace cs

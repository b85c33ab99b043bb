// claudescope: a local-first monitor for Claude Code. main() only dispatches.
//
// This executable is deliberately light (libc and libstdc++ only): Claude Code runs
// `claudescope hook` for every hook event, and loading the full program's shared libraries
// cost ~10 ms per event. `hook` is handled here; every other command is the full
// program, `claudescope-core`, in the same directory, which this process becomes by execv()
// (`import` with the malloc tunables of core/malloc_tunables.h: only a new process takes them).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "core/malloc_tunables.h"
#include "ingest/hook_client.h"

namespace {

std::string CorePath() {
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "claudescope-core";
  std::string dir(self, size_t(n));
  return dir.substr(0, dir.rfind('/') + 1) + "claudescope-core";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "hook") {
    cs::RunHookCommand(STDIN_FILENO);
    return 0;
  }
  std::string core = CorePath();
  if (argc >= 2 && std::string_view(argv[1]) == "import") {
    ::setenv("GLIBC_TUNABLES", cs::CoreMallocTunables(std::getenv("GLIBC_TUNABLES")).c_str(), 1);
  }
  ::execv(core.c_str(), argv);
  std::fprintf(stderr, "claudescope: cannot run %s (%s); it is installed beside this program\n",
               core.c_str(), std::strerror(errno));
  return 127;
}

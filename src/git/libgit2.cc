#include "git/libgit2.h"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

#ifndef CS_LIBGIT2_SONAME
#error "CS_LIBGIT2_SONAME (libgit2's soname) is set by CMakeLists.txt"
#endif

namespace cs {

namespace {

struct Loaded {
  Libgit2 fns;
  std::string error;  // empty when every function was found
};

Loaded Load() {
  Loaded out;
  void* lib = dlopen(CS_LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = dlerror();
    out.error = std::string("git sync needs libgit2 (" CS_LIBGIT2_SONAME "): ") +
                (why ? why : "it could not be loaded");
    return out;
  }
  // dlsym's void* to a function pointer: conditionally supported, and what POSIX guarantees.
#define CS_LIBGIT2_LOAD(name)                                                 \
  out.fns.name = reinterpret_cast<decltype(out.fns.name)>(dlsym(lib, #name)); \
  if (!out.fns.name && out.error.empty()) {                                   \
    out.error = "git sync: " CS_LIBGIT2_SONAME " has no function " #name;     \
  }
  CS_LIBGIT2_FUNCTIONS(CS_LIBGIT2_LOAD)
#undef CS_LIBGIT2_LOAD
  return out;
}

}  // namespace

const Libgit2& Git2() {
  static const Loaded loaded = Load();
  if (!loaded.error.empty()) throw std::runtime_error(loaded.error);
  return loaded.fns;
}

}  // namespace cs

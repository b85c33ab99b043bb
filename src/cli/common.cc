#include "cli/common.h"

#include <cstdio>

namespace cs {

void CommonOptions::Add(CLI::App* app) {
  app->add_option("--db", db, "Database file (default: $CLAUDESCOPE_HOME/claudescope.db)");
}

std::string CommonOptions::DbPath() const {
  return db.empty() ? Paths::Resolve().db : db;
}

std::optional<Config> LoadConfigOrReport() {
  std::string error;
  auto c = Config::Load(Paths::Resolve().config, &error);
  if (!c) std::fprintf(stderr, "claudescope: invalid configuration: %s\n", error.c_str());
  return c;
}

}  // namespace cs

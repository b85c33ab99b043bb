#include "cli/commands.h"

#include <CLI/CLI.hpp>

#include "cli/common.h"

namespace cs {

int RunCli(int argc, char** argv) {
  CLI::App app{"claudescope: a local-first monitor for Claude Code"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "claudescope 0.1.0");
  int exit_code = 0;
  const CommandRegistrar registrars[] = {
      RegisterImport,  RegisterStatus, RegisterReports, RegisterServe,   RegisterHook,
      RegisterInstall, RegisterBudget, RegisterExport,  RegisterGitSync,
  };
  for (auto r : registrars)
    r(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace cs

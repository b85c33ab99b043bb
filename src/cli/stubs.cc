// Commands not built yet. Each moves to its own file when it is implemented.
#include "cli/common.h"

namespace cs {

namespace {
void NotYet(CLI::App& root, int* exit_code, const char* name, const char* what) {
  auto* c = root.add_subcommand(name, what);
  c->allow_extras();
  c->callback([exit_code, name] {
    std::fprintf(stderr, "claudescope %s: not available in this build yet\n", name);
    *exit_code = 1;
  });
}
}  // namespace

void RegisterServe(CLI::App& r, int* e) { NotYet(r, e, "serve", "Run the server"); }
void RegisterHook(CLI::App& r, int* e) { NotYet(r, e, "hook", "Forward a hook event"); }
void RegisterInstall(CLI::App& r, int* e) {
  NotYet(r, e, "install", "Install hooks");
  NotYet(r, e, "uninstall", "Remove hooks");
}
void RegisterBudget(CLI::App& r, int* e) { NotYet(r, e, "budget", "Budgets"); }
void RegisterExport(CLI::App& r, int* e) { NotYet(r, e, "export", "Export"); }
void RegisterGitSync(CLI::App& r, int* e) { NotYet(r, e, "git-sync", "Link commits"); }

}  // namespace cs

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

void RegisterBudget(CLI::App& r, int* e) { NotYet(r, e, "budget", "Budgets"); }
void RegisterExport(CLI::App& r, int* e) { NotYet(r, e, "export", "Export"); }
void RegisterGitSync(CLI::App& r, int* e) { NotYet(r, e, "git-sync", "Link commits"); }

}  // namespace cs

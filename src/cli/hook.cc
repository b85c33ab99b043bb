// `claudescope hook`: what Claude Code runs for each hook event. Hands the event on stdin to
// the server (or the spool) and, whatever happens, prints nothing on stdout and exits 0 —
// any output could enter Claude's context and exit code 2 would block the user's action.
// Deliberately light: no config file, no database, nothing but the socket and the spool.
#include <unistd.h>

#include "cli/common.h"
#include "ingest/hook_client.h"

namespace cs {

void RegisterHook(CLI::App& root, int* exit_code) {
  auto* c = root.add_subcommand("hook", "Forward one hook event (JSON on stdin) to the server");
  // Unknown arguments must not turn into a CLI error (exit 2 blocks in Claude Code).
  c->allow_extras();
  c->callback([exit_code] {
    *exit_code = 0;
    RunHookCommand(STDIN_FILENO);
  });
}

}  // namespace cs

// claudescope-core: the full program behind `claudescope` (see src/main.cc, which execs it
// for every command but `hook`). main() only dispatches to src/cli/.
#include "cli/commands.h"

int main(int argc, char** argv) {
  return cs::RunCli(argc, argv);
}

// claudescope: a local-first monitor for Claude Code. main() only dispatches to src/cli/.
#include "cli/commands.h"

int main(int argc, char** argv) { return cs::RunCli(argc, argv); }

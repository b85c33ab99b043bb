// The command-line interface: one file per command in src/cli/, registered here.
// RunCli parses argv, runs the command and returns the process exit code
// (0 success, 1 runtime failure, 2 usage error).
#pragma once

namespace cs {

int RunCli(int argc, char** argv);

}  // namespace cs

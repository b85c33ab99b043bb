// Helpers every command shares: resolving the data directory, the config and the database.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "config/config.h"

namespace cs {

// Options every command takes.
struct CommonOptions {
  std::string db;  // --db FILE; empty: $CLAUDESCOPE_HOME/claudescope.db
  void Add(CLI::App* app);
  std::string DbPath() const;
};

// Loads ~/.claudescope/config.yaml (defaults when absent). Prints the error and returns
// nullopt when the file is invalid.
std::optional<Config> LoadConfigOrReport();

// A command: registers its options on `app` and sets the callback that runs it. The callback
// stores its exit code in *exit_code.
using CommandRegistrar = void (*)(CLI::App& root, int* exit_code);

void RegisterImport(CLI::App& root, int* exit_code);
void RegisterStatus(CLI::App& root, int* exit_code);
void RegisterReports(CLI::App& root, int* exit_code);  // daily, session
void RegisterServe(CLI::App& root, int* exit_code);
void RegisterHook(CLI::App& root, int* exit_code);
void RegisterInstall(CLI::App& root, int* exit_code);  // install, uninstall
void RegisterBudget(CLI::App& root, int* exit_code);
void RegisterExport(CLI::App& root, int* exit_code);
void RegisterGitSync(CLI::App& root, int* exit_code);

}  // namespace cs

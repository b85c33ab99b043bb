// `claudescope install` and `claudescope uninstall`: wire claudescope's hook handlers into
// Claude Code's user settings (logic in ingest/settings_installer.h) and, for install, create
// the default config; uninstall --purge also deletes claudescope's data directory.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string>

#include "cli/common.h"
#include "ingest/settings_installer.h"

namespace cs {

namespace {

namespace fs = std::filesystem;

struct InstallOptions {
  bool http = false;
  int port = -1;  // -1: config server.port
};

struct UninstallOptions {
  bool purge = false;
  bool yes = false;
};

// The command the hooks run: the light `claudescope` launcher beside this program (src/main.cc)
// when present, so that each hook event starts in about a millisecond.
std::string SelfPath() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::string();
  auto launcher = p.parent_path() / "claudescope";
  if (p.filename() == "claudescope-core" && fs::exists(launcher, ec)) return launcher.string();
  return p.string();
}

void PrintSettingsResult(const SettingsFileResult& r, const char* done) {
  if (!r.changed) {
    std::printf("settings: %s unchanged (%s)\n", r.path.c_str(),
                r.existed ? "nothing to do" : "absent");
    return;
  }
  if (r.backup.empty()) {
    std::printf("settings: %s created, %s\n", r.path.c_str(), done);
  } else {
    std::printf("settings: %s updated, %s (backup: %s)\n", r.path.c_str(), done, r.backup.c_str());
  }
}

int RunInstall(const InstallOptions& o) {
  Paths paths = Paths::Resolve();
  HookInstallOptions hi;
  std::string exe = SelfPath();
  if (exe.empty()) {
    std::fprintf(stderr, "claudescope install: cannot find this binary's path\n");
    return 1;
  }
  hi.command = HookCommandFor(exe);
  hi.http = o.http;
  hi.port = o.port;
  if (hi.port < 0) {
    std::string err;
    auto cfg = Config::Load(paths.config, &err);
    hi.port = cfg ? cfg->port : Config::Defaults().port;
  }
  auto r = EditSettingsFile(
      ClaudeSettingsPath(),
      [&](nlohmann::ordered_json* doc, std::string* err) { return InstallHooks(doc, hi, err); },
      std::time(nullptr), /*create_if_missing=*/true);
  if (!r.ok) {
    std::fprintf(stderr, "claudescope install: %s\n", r.error.c_str());
    return 1;
  }
  PrintSettingsResult(r, o.http ? "claudescope hooks installed (http where allowed)"
                                : "claudescope hooks installed");

  std::error_code ec;
  if (fs::exists(paths.config, ec)) {
    std::printf("config: %s kept (exists)\n", paths.config.c_str());
    return 0;
  }
  fs::create_directories(paths.home, ec);
  fs::permissions(paths.home, fs::perms::owner_all, ec);
  std::string err;
  if (!Config::Defaults().Save(paths.config, &err)) {
    std::fprintf(stderr, "claudescope install: cannot write %s: %s\n", paths.config.c_str(),
                 err.c_str());
    return 1;
  }
  std::printf("config: %s created\n", paths.config.c_str());
  return 0;
}

// The data directory is deleted only when it is clearly claudescope's own.
bool SafeToPurge(const std::string& home, std::string* why) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(home, ec);
  const char* user_home = std::getenv("HOME");
  if (ec || p.empty() || p == p.root_path()) {
    *why = "refusing to delete " + home;
    return false;
  }
  if (user_home && fs::weakly_canonical(user_home, ec) == p) {
    *why = "refusing to delete the home directory " + home;
    return false;
  }
  return true;
}

int RunUninstall(const UninstallOptions& o) {
  Paths paths = Paths::Resolve();
  // Decided before touching anything, so that a refusal has no effect at all.
  if (o.purge && !o.yes && !::isatty(STDIN_FILENO)) {
    std::fprintf(stderr,
                 "claudescope uninstall: --purge without a terminal needs --yes; nothing done\n");
    return 1;
  }
  std::string why;
  if (o.purge && !SafeToPurge(paths.home, &why)) {
    std::fprintf(stderr, "claudescope uninstall: %s; nothing done\n", why.c_str());
    return 1;
  }
  auto r = EditSettingsFile(
      ClaudeSettingsPath(),
      [](nlohmann::ordered_json* doc, std::string* err) { return UninstallHooks(doc, err); },
      std::time(nullptr), /*create_if_missing=*/false);
  if (!r.ok) {
    std::fprintf(stderr, "claudescope uninstall: %s\n", r.error.c_str());
    return 1;
  }
  PrintSettingsResult(r, "claudescope hooks removed");
  if (!o.purge) return 0;

  std::error_code ec;
  if (!fs::exists(paths.home, ec)) {
    std::printf("data: %s absent\n", paths.home.c_str());
    return 0;
  }
  if (!o.yes) {
    std::printf("Delete %s and everything in it (database, config, spool)? [y/N] ",
                paths.home.c_str());
    std::fflush(stdout);
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      std::printf("data: %s kept\n", paths.home.c_str());
      return 0;
    }
  }
  fs::remove_all(paths.home, ec);
  if (ec) {
    std::fprintf(stderr, "claudescope uninstall: cannot delete %s: %s\n", paths.home.c_str(),
                 ec.message().c_str());
    return 1;
  }
  std::printf("data: %s deleted\n", paths.home.c_str());
  return 0;
}

}  // namespace

void RegisterInstall(CLI::App& root, int* exit_code) {
  auto io = std::make_shared<InstallOptions>();
  auto* in = root.add_subcommand("install", "Add claudescope's hooks to Claude Code's settings");
  in->add_flag("--http", io->http,
               "Use http hooks to the server where Claude Code allows them (not SessionStart)");
  in->add_option("--port", io->port, "Server port for --http (default: config server.port)")
      ->check(CLI::Range(1, 65535));
  in->callback([io, exit_code] { *exit_code = RunInstall(*io); });

  auto uo = std::make_shared<UninstallOptions>();
  auto* un = root.add_subcommand("uninstall", "Remove claudescope's hooks from Claude Code");
  un->add_flag("--purge", uo->purge, "Also delete claudescope's data directory (asks first)");
  un->add_flag("--yes", uo->yes, "Do not ask (needed for --purge without a terminal)");
  un->callback([uo, exit_code] { *exit_code = RunUninstall(*uo); });
}

}  // namespace cs

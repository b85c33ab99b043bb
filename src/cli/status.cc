// `claudescope status`: where the database is, what it holds, what ingest skipped, and whether
// Claude Code's settings.json holds the hooks.
#include <sys/stat.h>

#include <cstdio>

#include "cli/common.h"
#include "core/time.h"
#include "ingest/settings_installer.h"
#include "report/table.h"
#include "store/schema.h"

namespace cs {

namespace {

// Whether Claude Code will send hook events: claudescope's handlers in its settings.json.
void PrintHooks() {
  const std::string settings = ClaudeSettingsPath();
  HookInstallState hooks = ReadHookInstallState(settings);
  const size_t all = hooks.installed.size() + hooks.missing.size();
  if (!hooks.error.empty()) {
    std::printf("Hooks:         unknown (%s)\n", hooks.error.c_str());
  } else if (hooks.installed.empty()) {
    std::printf("Hooks:         not installed in %s (run `claudescope install`)\n",
                settings.c_str());
  } else {
    std::printf("Hooks:         %zu of %zu events in %s%s\n", hooks.installed.size(), all,
                settings.c_str(), hooks.missing.empty() ? "" : " (run `claudescope install`)");
  }
}

int RunStatus(const CommonOptions& o) {
  std::string path = o.DbPath();
  struct stat sb;
  if (::stat(path.c_str(), &sb) != 0) {
    std::printf("Database: %s (not created yet: run `claudescope import`)\n", path.c_str());
    PrintHooks();
    return 0;
  }
  auto db = OpenStore(path);
  int64_t bytes = sb.st_size;
  struct stat wal;
  if (::stat((path + "-wal").c_str(), &wal) == 0) bytes += wal.st_size;
  Stmt q(*db, R"SQL(SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM messages),
  (SELECT count(*) FROM tool_calls WHERE tool_name IS NOT NULL),
  (SELECT count(*) FROM files), (SELECT coalesce(sum(offset),0) FROM files),
  (SELECT max(updated_at) FROM files), (SELECT coalesce(sum(skipped),0) FROM files),
  (SELECT coalesce(sum(cost_usd),0) FROM sessions), (SELECT count(*) FROM hook_events),
  (SELECT max(timestamp) FROM hook_events))SQL");
  q.Step();
  std::printf("Database:      %s (%.1f MB)\n", path.c_str(), bytes / 1e6);
  std::printf("Sessions:      %s\n", Thousands(q.Int(0)).c_str());
  std::printf("Messages:      %s\n", Thousands(q.Int(1)).c_str());
  std::printf("Tool calls:    %s\n", Thousands(q.Int(2)).c_str());
  std::printf("Cost:          %s\n", Money(q.Real(7)).c_str());
  std::printf("Files read:    %s (%.1f MB)\n", Thousands(q.Int(3)).c_str(), q.Int(4) / 1e6);
  std::printf("Last ingest:   %s\n", q.IsNull(5) ? "never" : FormatTimestamp(q.Int(5)).c_str());
  std::printf("Hook events:   %s (last: %s)\n", Thousands(q.Int(8)).c_str(),
              q.IsNull(9) ? "never" : FormatTimestamp(q.Int(9)).c_str());
  std::printf("Skipped lines: %s\n", Thousands(q.Int(6)).c_str());
  PrintHooks();
  Stmt e(*db,
         "SELECT path, offset, reason, at FROM ingest_errors ORDER BY at DESC, path, offset "
         "LIMIT 5");
  bool any = false;
  while (e.Step()) {
    if (!any) std::printf("Most recent skipped lines:\n");
    any = true;
    std::printf("  %s @%lld: %s\n", e.Text(0).c_str(), (long long)e.Int(1), e.Text(2).c_str());
  }
  return 0;
}

}  // namespace

void RegisterStatus(CLI::App& root, int* exit_code) {
  auto o = std::make_shared<CommonOptions>();
  auto* c = root.add_subcommand("status", "Database path and size, counts, ingest state");
  o->Add(c);
  c->callback([o, exit_code] {
    try {
      *exit_code = RunStatus(*o);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "claudescope status: %s\n", e.what());
      *exit_code = 1;
    }
  });
}

}  // namespace cs

// Settings installer: adds and removes claudescope's hook handlers in Claude Code's
// settings.json (`claudescope install` / `uninstall`) without disturbing anything else in it.
//
// Contract: InstallHooks / UninstallHooks are pure edits of an ordered_json document: every
// other key, hook and key order is kept. They return false and set *error (document then
// unspecified) when the document's shape makes a safe edit impossible (top level not an
// object, "hooks" not an object, an event's value not an array). Both are idempotent.
//
// What belongs to claudescope: a handler whose "command" ends in " hook" after a path (plain
// or quoted) whose basename is `claudescope`, or whose "url" is http://127.0.0.1, localhost or
// [::1] (any port) with a path ending in /api/hooks. Install puts each event's handler in a
// matcher group of its own ({"matcher":"*"} for tool events, no matcher otherwise), updates
// an existing claudescope handler in place (so a re-install is a no-op and an --http switch
// edits only the handler) and drops duplicates. Uninstall removes exactly those handlers, and
// then the groups, event arrays and "hooks" object that became empty by that removal (ones
// that were empty before are the user's and stay).
//
// EditSettingsFile applies an edit to a file: malformed JSON is refused (file untouched);
// nothing is written when the document is unchanged (so no backup either); otherwise the old
// bytes go to <file>.claudescope-backup-YYYYMMDDTHHMMSS (local time) and the new document is
// written atomically (temp file in the same directory, fsync, rename) with 2-space indent and
// the old file's trailing-newline choice and mode. A symlinked settings.json is followed (the
// link stays). Hence install followed by uninstall gives back the original bytes when the
// original was written with 2-space indent the way JSON.stringify(v, null, 2) / nlohmann
// write it (Claude Code's own format) — other formatting comes back re-indented.
// Not thread-safe against other writers of the same file (Claude Code may rewrite it too; the
// window is the read-edit-rename of one small file).
#pragma once
#include <ctime>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cs {

// The Claude Code events claudescope listens to, in the order install writes them.
const std::vector<std::string>& ClaudescopeHookEvents();
bool IsToolHookEvent(const std::string& event);      // gets {"matcher":"*"}
bool HookEventAllowsHttp(const std::string& event);  // SessionStart and Setup do not

struct HookInstallOptions {
  std::string command;  // "<absolute path of claudescope> hook", see HookCommandFor
  bool http = false;    // http handlers where the event allows them
  int port = 3000;
};

// "<exe> hook", single-quoting exe when it holds characters a shell would interpret.
std::string HookCommandFor(const std::string& exe_path);
bool IsClaudescopeHandler(const nlohmann::ordered_json& handler);
// The handler install writes for `event`.
nlohmann::ordered_json HookHandlerFor(const std::string& event, const HookInstallOptions& o);

bool InstallHooks(nlohmann::ordered_json* settings, const HookInstallOptions& o,
                  std::string* error);
bool UninstallHooks(nlohmann::ordered_json* settings, std::string* error);

// What a settings document says about claudescope's hooks (for the dashboard's Settings page):
// which of ClaudescopeHookEvents() have a claudescope handler, which do not, and how many of
// those handlers are commands and how many http. A document whose shape install would refuse
// is reported through `error`, with whatever could still be read.
struct HookInstallState {
  bool settings_exists = false;
  std::vector<std::string> installed;  // in ClaudescopeHookEvents() order
  std::vector<std::string> missing;
  int command_handlers = 0;
  int http_handlers = 0;
  std::string error;
};
HookInstallState InspectHooks(const nlohmann::ordered_json& settings);
// Reads and inspects the file at `path` (a symlink is followed); an absent file is not an error.
HookInstallState ReadHookInstallState(const std::string& path);

// settings.json text <-> document. Blank text is an empty object. Comments are not allowed.
bool ParseSettings(std::string_view text, nlohmann::ordered_json* out, std::string* error);
std::string SerializeSettings(const nlohmann::ordered_json& doc, bool trailing_newline);

// $CLAUDE_CONFIG_DIR/settings.json when set, else $HOME/.claude/settings.json.
std::string ClaudeSettingsPath();

struct SettingsFileResult {
  bool ok = false;
  bool existed = false;  // the file was there before
  bool changed = false;  // the file was written
  std::string path;      // the file actually edited (symlink followed)
  std::string backup;    // set when a backup was made
  std::string error;
};

using SettingsEdit = std::function<bool(nlohmann::ordered_json*, std::string*)>;

// Applies `edit` to the settings file at `path`. An absent file is created (directories 0700,
// file 0600) only when create_if_missing; otherwise it is left absent (ok, !changed). `now`
// names the backup.
SettingsFileResult EditSettingsFile(const std::string& path, const SettingsEdit& edit,
                                    std::time_t now, bool create_if_missing);

}  // namespace cs

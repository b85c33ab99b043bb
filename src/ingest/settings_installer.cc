#include "ingest/settings_installer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/errors.h"
#include "core/paths.h"

namespace cs {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// Undoes HookCommandFor's quoting (and plain double quotes someone may have written).
std::string Unquote(const std::string& s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  if (s.size() >= 2 && s.front() == '\'' && s.back() == '\'') {
    std::string inner = s.substr(1, s.size() - 2), out;
    for (size_t i = 0; i < inner.size(); ++i) {
      if (inner.compare(i, 4, "'\\''") == 0) {
        out.push_back('\'');
        i += 3;
      } else {
        out.push_back(inner[i]);
      }
    }
    return out;
  }
  return s;
}

bool IsClaudescopeCommand(const std::string& command) {
  if (!command.ends_with(" hook")) return false;
  std::string exe = Unquote(Trim(std::string_view(command).substr(0, command.size() - 5)));
  if (exe.empty()) return false;
  auto slash = exe.rfind('/');
  return (slash == std::string::npos ? exe : exe.substr(slash + 1)) == "claudescope";
}

bool IsClaudescopeUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return false;
  std::string rest = url.substr(kScheme.size());
  auto slash = rest.find('/');
  if (slash == std::string::npos) return false;
  std::string host = rest.substr(0, slash), path = rest.substr(slash);
  if (host.rfind("[::1]", 0) == 0) {
    host = "[::1]";
  } else if (auto colon = host.find(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  return (host == "127.0.0.1" || host == "localhost" || host == "[::1]") &&
         path.ends_with("/api/hooks");
}

bool ReadFile(const std::string& path, std::string* out, bool* exists, mode_t* mode,
              std::string* error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      *exists = false;
      return true;
    }
    *error = ErrnoText("cannot read " + path);
    return false;
  }
  *exists = true;
  struct stat st {};
  if (::fstat(fd, &st) == 0) *mode = st.st_mode & 07777;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = ErrnoText("cannot read " + path);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

bool WriteAllAndSync(int fd, const std::string& data) {
  const char* p = data.data();
  size_t n = data.size();
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return ::fsync(fd) == 0;
}

std::string BackupName(const std::string& path, std::time_t now) {
  tm local{};
  ::localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &local);
  return path + ".claudescope-backup-" + stamp;
}

// Writes a new file next to `path` (never overwriting an existing backup: two changes in the
// same second get "-2", "-3"...).
bool WriteBackup(const std::string& path, const std::string& bytes, mode_t mode, std::time_t now,
                 std::string* backup, std::string* error) {
  const std::string base = BackupName(path, now);
  for (int i = 1; i < 100; ++i) {
    std::string name = i == 1 ? base : base + "-" + std::to_string(i);
    int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0777);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      *error = ErrnoText("cannot create backup " + name);
      return false;
    }
    bool ok = WriteAllAndSync(fd, bytes);
    ::close(fd);
    if (!ok) {
      *error = ErrnoText("cannot write backup " + name);
      ::unlink(name.c_str());
      return false;
    }
    *backup = name;
    return true;
  }
  *error = "too many backups of " + path + " this second";
  return false;
}

bool WriteAtomically(const std::string& path, const std::string& bytes, mode_t mode,
                     std::string* error) {
  std::string tmpl = path + ".claudescope-tmp-XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    *error = ErrnoText("cannot create a temporary file next to " + path);
    return false;
  }
  bool ok = ::fchmod(fd, mode & 07777) == 0 && WriteAllAndSync(fd, bytes);
  if (!ok) *error = ErrnoText("cannot write " + tmpl);
  ::close(fd);
  if (ok && ::rename(tmpl.c_str(), path.c_str()) != 0) {
    *error = ErrnoText("cannot replace " + path);
    ok = false;
  }
  if (!ok) {
    ::unlink(tmpl.c_str());
    return false;
  }
  // The rename is durable only once the directory entry is.
  std::string dir = fs::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return true;
}

// Handlers arrays of `event_groups` holding claudescope handlers: (group, handler) indexes.
std::vector<std::pair<size_t, size_t>> FindOurs(const ordered_json& event_groups) {
  std::vector<std::pair<size_t, size_t>> found;
  for (size_t g = 0; g < event_groups.size(); ++g) {
    const auto& group = event_groups[g];
    if (!group.is_object()) continue;
    auto it = group.find("hooks");
    if (it == group.end() || !it->is_array()) continue;
    for (size_t h = 0; h < it->size(); ++h) {
      if (IsClaudescopeHandler((*it)[h])) found.emplace_back(g, h);
    }
  }
  return found;
}

// Removes the claudescope handlers of one event's groups; a group emptied by that goes too.
// Returns true when something was removed.
bool RemoveOurs(ordered_json* event_groups) {
  bool removed_any = false;
  for (size_t g = event_groups->size(); g-- > 0;) {
    auto& group = (*event_groups)[g];
    if (!group.is_object()) continue;
    auto it = group.find("hooks");
    if (it == group.end() || !it->is_array()) continue;
    bool removed = false;
    for (size_t h = it->size(); h-- > 0;) {
      if (IsClaudescopeHandler((*it)[h])) {
        it->erase(h);
        removed = true;
      }
    }
    if (removed && it->empty()) event_groups->erase(g);
    removed_any |= removed;
  }
  return removed_any;
}

bool CheckShape(const ordered_json& settings, std::string* error) {
  if (!settings.is_object()) {
    *error = "settings.json is not a JSON object";
    return false;
  }
  auto hooks = settings.find("hooks");
  if (hooks == settings.end()) return true;
  if (!hooks->is_object()) {
    *error = "settings.json: \"hooks\" is not an object";
    return false;
  }
  for (const auto& [event, groups] : hooks->items()) {
    if (!groups.is_array()) {
      *error = "settings.json: \"hooks." + event + "\" is not an array";
      return false;
    }
  }
  return true;
}

}  // namespace

const std::vector<std::string>& ClaudescopeHookEvents() {
  static const std::vector<std::string> events = {
      "SessionStart",  "SessionEnd",         "UserPromptSubmit", "PreToolUse",
      "PostToolUse",   "PostToolUseFailure", "Notification",     "Stop",
      "SubagentStart", "SubagentStop",       "PreCompact",       "PostCompact",
      "TaskCreated",   "TaskCompleted",
  };
  return events;
}

bool IsToolHookEvent(const std::string& event) {
  return event == "PreToolUse" || event == "PostToolUse" || event == "PostToolUseFailure";
}

bool HookEventAllowsHttp(const std::string& event) {
  return event != "SessionStart" && event != "Setup";
}

std::string HookCommandFor(const std::string& exe_path) {
  bool plain = !exe_path.empty() && std::all_of(exe_path.begin(), exe_path.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/._-+:@%,=", c);
  });
  if (plain) return exe_path + " hook";
  std::string q = "'";
  for (char c : exe_path) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q.push_back(c);
    }
  }
  return q + "' hook";
}

bool IsClaudescopeHandler(const ordered_json& handler) {
  if (!handler.is_object()) return false;
  auto cmd = handler.find("command");
  if (cmd != handler.end() && cmd->is_string() && IsClaudescopeCommand(cmd->get<std::string>()))
    return true;
  auto url = handler.find("url");
  return url != handler.end() && url->is_string() && IsClaudescopeUrl(url->get<std::string>());
}

ordered_json HookHandlerFor(const std::string& event, const HookInstallOptions& o) {
  ordered_json h = ordered_json::object();
  if (o.http && HookEventAllowsHttp(event)) {
    h["type"] = "http";
    h["url"] = "http://127.0.0.1:" + std::to_string(o.port) + "/api/hooks";
    h["timeout"] = 2;
  } else {
    h["type"] = "command";
    h["command"] = o.command;
    h["async"] = true;
    h["timeout"] = 5;
  }
  return h;
}

bool InstallHooks(ordered_json* settings, const HookInstallOptions& o, std::string* error) {
  if (!CheckShape(*settings, error)) return false;
  if (!IsClaudescopeHandler(HookHandlerFor("Stop", o))) {
    *error = "hook command \"" + o.command + "\" would not be recognised as claudescope's";
    return false;
  }
  auto& hooks = (*settings)["hooks"];
  if (hooks.is_null()) hooks = ordered_json::object();
  for (const auto& event : ClaudescopeHookEvents()) {
    ordered_json wanted = HookHandlerFor(event, o);
    auto& groups = hooks[event];
    if (groups.is_null()) groups = ordered_json::array();
    auto ours = FindOurs(groups);
    if (ours.empty()) {
      ordered_json group = ordered_json::object();
      if (IsToolHookEvent(event)) group["matcher"] = "*";
      group["hooks"] = ordered_json::array({wanted});
      groups.push_back(std::move(group));
      continue;
    }
    // Keep the first one where the user (or an earlier install) put it; drop the rest.
    auto [g0, h0] = ours.front();
    auto& first = groups[g0]["hooks"][h0];
    if (first != wanted) first = wanted;
    for (size_t i = ours.size(); i-- > 1;) {
      auto [g, h] = ours[i];
      groups[g]["hooks"].erase(h);
      if (groups[g]["hooks"].empty()) groups.erase(g);
    }
  }
  return true;
}

bool UninstallHooks(ordered_json* settings, std::string* error) {
  if (!CheckShape(*settings, error)) return false;
  auto hooks = settings->find("hooks");
  if (hooks == settings->end()) return true;
  bool removed_any = false;
  std::vector<std::string> emptied;
  for (auto& [event, groups] : hooks->items()) {
    if (RemoveOurs(&groups)) {
      removed_any = true;
      if (groups.empty()) emptied.push_back(event);
    }
  }
  for (const auto& e : emptied)
    hooks->erase(e);
  if (removed_any && hooks->empty()) settings->erase("hooks");
  return true;
}

HookInstallState InspectHooks(const ordered_json& settings) {
  HookInstallState st;
  st.settings_exists = true;
  CheckShape(settings, &st.error);
  const ordered_json* hooks = nullptr;
  if (settings.is_object()) {
    auto it = settings.find("hooks");
    if (it != settings.end() && it->is_object()) hooks = &*it;
  }
  for (const auto& event : ClaudescopeHookEvents()) {
    bool ours = false;
    auto groups = hooks ? hooks->find(event) : ordered_json::const_iterator();
    if (hooks && groups != hooks->end() && groups->is_array()) {
      for (auto [g, h] : FindOurs(*groups)) {
        ours = true;
        const auto& handler = (*groups)[g]["hooks"][h];
        ++(handler.contains("url") && !handler.contains("command") ? st.http_handlers
                                                                   : st.command_handlers);
      }
    }
    (ours ? st.installed : st.missing).push_back(event);
  }
  return st;
}

HookInstallState ReadHookInstallState(const std::string& path) {
  HookInstallState st;
  std::string text, error;
  bool exists = false;
  mode_t mode = 0;
  if (!ReadFile(path, &text, &exists, &mode, &error)) {
    st.missing = ClaudescopeHookEvents();
    st.error = error;
    return st;
  }
  ordered_json doc;
  if (!exists || !ParseSettings(text, &doc, &error)) {
    st.settings_exists = exists;
    st.missing = ClaudescopeHookEvents();
    if (exists) st.error = path + " is not valid JSON (" + error + ")";
    return st;
  }
  return InspectHooks(doc);
}

bool ParseSettings(std::string_view text, ordered_json* out, std::string* error) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    *out = ordered_json::object();
    return true;
  }
  try {
    *out = ordered_json::parse(text);
  } catch (const ordered_json::parse_error& e) {
    *error = e.what();
    return false;
  }
  if (!out->is_object()) {
    *error = "the top level is not a JSON object";
    return false;
  }
  return true;
}

std::string SerializeSettings(const ordered_json& doc, bool trailing_newline) {
  std::string s = doc.dump(2);
  if (trailing_newline) s.push_back('\n');
  return s;
}

std::string ClaudeSettingsPath() {
  if (const char* c = std::getenv("CLAUDE_CONFIG_DIR"); c && *c) {
    return std::string(c) + "/settings.json";
  }
  const char* h = std::getenv("HOME");
  return std::string(h && *h ? h : "/root") + "/.claude/settings.json";
}

SettingsFileResult EditSettingsFile(const std::string& path, const SettingsEdit& edit,
                                    std::time_t now, bool create_if_missing) {
  SettingsFileResult r;
  r.path = path;
  std::error_code ec;
  if (fs::is_symlink(path, ec)) {
    // Dotfile managers link settings.json: edit the target, keep the link.
    auto target = fs::weakly_canonical(path, ec);
    if (!ec) r.path = target.string();
  }
  std::string old_bytes;
  mode_t mode = 0600;
  if (!ReadFile(r.path, &old_bytes, &r.existed, &mode, &r.error)) return r;
  if (!r.existed && !create_if_missing) {
    r.ok = true;
    return r;
  }
  ordered_json doc;
  std::string perr;
  if (!ParseSettings(old_bytes, &doc, &perr)) {
    r.error = r.path + " is not valid JSON (" + perr + "); left untouched";
    return r;
  }
  const ordered_json before = doc;
  std::string eerr;
  if (!edit(&doc, &eerr)) {
    r.error = r.path + ": " + eerr + "; left untouched";
    return r;
  }
  if (r.existed && doc == before) {
    r.ok = true;
    return r;
  }
  bool newline = !r.existed || old_bytes.empty() || old_bytes.back() == '\n';
  std::string new_bytes = SerializeSettings(doc, newline);
  if (r.existed) {
    if (!WriteBackup(r.path, old_bytes, mode, now, &r.backup, &r.error)) return r;
  } else {
    std::string dir = fs::path(r.path).parent_path().string();
    if (!dir.empty() && !MakeDirs(dir, &r.error)) return r;
  }
  if (!WriteAtomically(r.path, new_bytes, mode, &r.error)) return r;
  r.changed = true;
  r.ok = true;
  return r;
}

}  // namespace cs

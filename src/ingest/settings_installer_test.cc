#include "ingest/settings_installer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cs {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr const char* kExe = "/opt/claudescope/bin/claudescope";

HookInstallOptions Cmd() {
  HookInstallOptions o;
  o.command = HookCommandFor(kExe);
  return o;
}

bool Install(ordered_json* d, const HookInstallOptions& o = Cmd()) {
  std::string err;
  bool ok = InstallHooks(d, o, &err);
  EXPECT_TRUE(ok) << err;
  return ok;
}

bool Uninstall(ordered_json* d) {
  std::string err;
  bool ok = UninstallHooks(d, &err);
  EXPECT_TRUE(ok) << err;
  return ok;
}

std::string ReadAll(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const std::string& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary);
  out << s;
}

std::vector<std::string> Backups(const std::string& dir) {
  std::vector<std::string> v;
  for (auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().find(".claudescope-backup-") != std::string::npos)
      v.push_back(e.path().string());
  }
  return v;
}

class TempDir {
 public:
  TempDir() {
    std::string t = (fs::temp_directory_path() / "cs-settings-XXXXXX").string();
    path_ = ::mkdtemp(t.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const char* kUserSettings = R"({
  "model": "opus",
  "env": {
    "FOO": "bar"
  },
  "hooks": {
    "PostToolUse": [
      {
        "matcher": "Edit|Write",
        "hooks": [
          {
            "type": "command",
            "command": "npx prettier --write"
          }
        ]
      }
    ],
    "SessionStart": [
      {
        "hooks": [
          {
            "type": "command",
            "command": "echo hello"
          }
        ]
      }
    ],
    "Setup": []
  },
  "zzzUnknownKey": {
    "nested": [
      1,
      2.5,
      "three"
    ]
  }
}
)";

TEST(SettingsInstaller, RecognisesOnlyClaudescopeHandlers) {
  auto cmd = [](const std::string& c) {
    return IsClaudescopeHandler(ordered_json{{"type", "command"}, {"command", c}});
  };
  auto url = [](const std::string& u) {
    return IsClaudescopeHandler(ordered_json{{"type", "http"}, {"url", u}});
  };
  EXPECT_TRUE(cmd("/usr/local/bin/claudescope hook"));
  EXPECT_TRUE(cmd("claudescope hook"));
  EXPECT_TRUE(cmd("'/home/me/my tools/claudescope' hook"));
  EXPECT_TRUE(cmd(HookCommandFor("/tmp/it's here/claudescope")));
  EXPECT_FALSE(cmd("/usr/local/bin/claudescope-old hook"));
  EXPECT_FALSE(cmd("/usr/local/bin/claudescope hook --x"));
  EXPECT_FALSE(cmd("/usr/local/bin/notclaudescope hook"));
  EXPECT_FALSE(cmd("echo hook"));
  EXPECT_TRUE(url("http://127.0.0.1:3000/api/hooks"));
  EXPECT_TRUE(url("http://localhost:8080/api/hooks"));
  EXPECT_TRUE(url("http://[::1]:3000/api/hooks"));
  EXPECT_FALSE(url("http://example.com:3000/api/hooks"));
  EXPECT_FALSE(url("http://127.0.0.1:3000/hook"));
  EXPECT_FALSE(url("https://127.0.0.1.evil.com/api/hooks"));
}

TEST(SettingsInstaller, QuotesPathsAShellWouldSplit) {
  EXPECT_EQ(HookCommandFor("/usr/bin/claudescope"), "/usr/bin/claudescope hook");
  EXPECT_EQ(HookCommandFor("/a b/claudescope"), "'/a b/claudescope' hook");
  EXPECT_EQ(HookCommandFor("/a'b/claudescope"), "'/a'\\''b/claudescope' hook");
}

TEST(SettingsInstaller, InstallIntoEmptyDocument) {
  ordered_json d = ordered_json::object();
  ASSERT_TRUE(Install(&d));
  ASSERT_TRUE(d["hooks"].is_object());
  EXPECT_EQ(d["hooks"].size(), ClaudescopeHookEvents().size());
  size_t i = 0;
  for (auto& [event, groups] : d["hooks"].items()) {
    EXPECT_EQ(event, ClaudescopeHookEvents()[i++]);  // written in a stable order
    ASSERT_EQ(groups.size(), 1u) << event;
    const auto& g = groups[0];
    if (IsToolHookEvent(event)) {
      EXPECT_EQ(g["matcher"], "*");
      EXPECT_EQ(g.begin().key(), "matcher");
    } else {
      EXPECT_FALSE(g.contains("matcher")) << event;
    }
    ASSERT_EQ(g["hooks"].size(), 1u);
    EXPECT_EQ(g["hooks"][0].dump(),
              R"({"type":"command","command":"/opt/claudescope/bin/claudescope hook",)"
              R"("async":true,"timeout":5})");
  }
}

TEST(SettingsInstaller, HttpHandlersExceptSessionStart) {
  ordered_json d = ordered_json::object();
  HookInstallOptions o = Cmd();
  o.http = true;
  o.port = 4321;
  ASSERT_TRUE(Install(&d, o));
  for (auto& [event, groups] : d["hooks"].items()) {
    const auto& h = groups[0]["hooks"][0];
    if (event == "SessionStart") {
      EXPECT_EQ(h["type"], "command");
    } else {
      EXPECT_EQ(h.dump(), R"({"type":"http","url":"http://127.0.0.1:4321/api/hooks","timeout":2})")
          << event;
    }
  }
  // Switching back edits the handlers in place: no second group appears.
  ASSERT_TRUE(Install(&d));
  ordered_json fresh = ordered_json::object();
  ASSERT_TRUE(Install(&fresh));
  EXPECT_EQ(d, fresh);
}

TEST(SettingsInstaller, KeepsUsersHooksAndUnknownKeysInOrder) {
  ordered_json d = ordered_json::parse(kUserSettings);
  const ordered_json original = d;
  ASSERT_TRUE(Install(&d));
  std::vector<std::string> keys;
  for (auto& [k, v] : d.items())
    keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"model", "env", "hooks", "zzzUnknownKey"}));
  EXPECT_EQ(d["zzzUnknownKey"], original["zzzUnknownKey"]);
  // The user's groups come first and are untouched; ours is a group of its own.
  ASSERT_EQ(d["hooks"]["PostToolUse"].size(), 2u);
  EXPECT_EQ(d["hooks"]["PostToolUse"][0], original["hooks"]["PostToolUse"][0]);
  EXPECT_EQ(d["hooks"]["PostToolUse"][1]["matcher"], "*");
  ASSERT_EQ(d["hooks"]["SessionStart"].size(), 2u);
  EXPECT_EQ(d["hooks"]["SessionStart"][0], original["hooks"]["SessionStart"][0]);
  EXPECT_EQ(d["hooks"]["Setup"], ordered_json::array());  // not ours: left alone
  // Existing events keep their place; new ones follow.
  std::vector<std::string> events;
  for (auto& [k, v] : d["hooks"].items())
    events.push_back(k);
  EXPECT_EQ(events[0], "PostToolUse");
  EXPECT_EQ(events[1], "SessionStart");
  EXPECT_EQ(events[2], "Setup");
}

TEST(SettingsInstaller, InstallIsIdempotentAndUninstallRestores) {
  ordered_json d = ordered_json::parse(kUserSettings);
  const ordered_json original = d;
  ASSERT_TRUE(Install(&d));
  const ordered_json once = d;
  ASSERT_TRUE(Install(&d));
  EXPECT_EQ(d, once);
  ASSERT_TRUE(Uninstall(&d));
  EXPECT_EQ(d, original);
  EXPECT_EQ(SerializeSettings(d, true), kUserSettings);
  ASSERT_TRUE(Uninstall(&d));
  EXPECT_EQ(d, original);
}

TEST(SettingsInstaller, UninstallFromEmptyRemovesWhatItCreated) {
  ordered_json d = ordered_json::parse(R"({"theme":"dark"})");
  ASSERT_TRUE(Install(&d));
  ASSERT_TRUE(Uninstall(&d));
  EXPECT_EQ(d.dump(), R"({"theme":"dark"})");
}

TEST(SettingsInstaller, SharedMatcherGroupKeepsTheUsersHook) {
  ordered_json d = ordered_json::parse(R"({"hooks":{"PreToolUse":[{"matcher":"*","hooks":[
      {"type":"command","command":"/usr/bin/audit"},
      {"type":"command","command":"/old/place/claudescope hook","async":true,"timeout":5}]}]}})");
  ASSERT_TRUE(Install(&d));
  // The handler already there is updated in place rather than duplicated.
  ASSERT_EQ(d["hooks"]["PreToolUse"].size(), 1u);
  EXPECT_EQ(d["hooks"]["PreToolUse"][0]["hooks"][1]["command"],
            "/opt/claudescope/bin/claudescope hook");
  ASSERT_TRUE(Uninstall(&d));
  EXPECT_EQ(
      d.dump(),
      R"({"hooks":{"PreToolUse":[{"matcher":"*","hooks":[{"type":"command","command":"/usr/bin/audit"}]}]}})");
}

TEST(SettingsInstaller, DuplicatesCollapseToOne) {
  ordered_json d = ordered_json::object();
  ASSERT_TRUE(Install(&d));
  d["hooks"]["Stop"].push_back(d["hooks"]["Stop"][0]);
  ASSERT_TRUE(Install(&d));
  EXPECT_EQ(d["hooks"]["Stop"].size(), 1u);
}

TEST(SettingsInstaller, RefusesShapesItCannotEditSafely) {
  std::string err;
  ordered_json d = ordered_json::parse(R"({"hooks":[]})");
  EXPECT_FALSE(InstallHooks(&d, Cmd(), &err));
  EXPECT_NE(err.find("hooks"), std::string::npos);
  d = ordered_json::parse(R"({"hooks":{"Stop":{}}})");
  EXPECT_FALSE(InstallHooks(&d, Cmd(), &err));
  EXPECT_FALSE(UninstallHooks(&d, &err));
  d = ordered_json::array();
  EXPECT_FALSE(InstallHooks(&d, Cmd(), &err));
  HookInstallOptions bad;
  bad.command = "/usr/bin/other hook";
  d = ordered_json::object();
  EXPECT_FALSE(InstallHooks(&d, bad, &err));
}

TEST(SettingsInstaller, ParseSettings) {
  ordered_json d;
  std::string err;
  EXPECT_TRUE(ParseSettings("", &d, &err));
  EXPECT_EQ(d, ordered_json::object());
  EXPECT_TRUE(ParseSettings(" \n", &d, &err));
  EXPECT_FALSE(ParseSettings("{\"a\": ", &d, &err));
  EXPECT_FALSE(ParseSettings("[1]", &d, &err));
  EXPECT_FALSE(ParseSettings("{} // comment", &d, &err));
}

SettingsEdit InstallEdit() {
  return [](ordered_json* d, std::string* e) { return InstallHooks(d, Cmd(), e); };
}
SettingsEdit UninstallEdit() {
  return [](ordered_json* d, std::string* e) { return UninstallHooks(d, e); };
}

TEST(HookInspection, CountsOursPerEventAndByDelivery) {
  const auto& all = ClaudescopeHookEvents();
  ordered_json d = ordered_json::parse(kUserSettings);
  auto st = InspectHooks(d);
  EXPECT_TRUE(st.settings_exists);
  EXPECT_TRUE(st.installed.empty());  // the user's own hooks are not claudescope's
  EXPECT_EQ(st.missing, all);
  EXPECT_EQ(st.command_handlers + st.http_handlers, 0);
  EXPECT_EQ(st.error, "");

  ASSERT_TRUE(Install(&d));
  st = InspectHooks(d);
  EXPECT_EQ(st.installed, all);
  EXPECT_TRUE(st.missing.empty());
  EXPECT_EQ(st.command_handlers, static_cast<int>(all.size()));
  EXPECT_EQ(st.http_handlers, 0);

  HookInstallOptions http = Cmd();
  http.http = true;
  ASSERT_TRUE(Install(&d, http));
  st = InspectHooks(d);
  EXPECT_EQ(st.installed, all);
  EXPECT_EQ(st.command_handlers, 1);  // SessionStart cannot be http
  EXPECT_EQ(st.http_handlers, static_cast<int>(all.size()) - 1);

  // One event's handler removed by hand: that event is missing, the others stay installed.
  d["hooks"].erase("Stop");
  st = InspectHooks(d);
  EXPECT_EQ(st.missing, std::vector<std::string>{"Stop"});
  EXPECT_EQ(st.installed.size(), all.size() - 1);
}

TEST(HookInspection, ReportsShapesAndFilesItCannotRead) {
  auto st = InspectHooks(ordered_json::parse(R"({"hooks": {"Stop": {"oops": 1}}})"));
  EXPECT_NE(st.error.find("hooks.Stop"), std::string::npos) << st.error;
  EXPECT_EQ(st.missing, ClaudescopeHookEvents());

  TempDir t;
  std::string path = t.path() + "/settings.json";
  st = ReadHookInstallState(path);
  EXPECT_FALSE(st.settings_exists);
  EXPECT_EQ(st.error, "");
  EXPECT_EQ(st.missing, ClaudescopeHookEvents());

  WriteAll(path, "{\n  \"model\": ");
  st = ReadHookInstallState(path);
  EXPECT_TRUE(st.settings_exists);
  EXPECT_NE(st.error.find("not valid JSON"), std::string::npos) << st.error;

  WriteAll(path, kUserSettings);
  ASSERT_TRUE(EditSettingsFile(path, InstallEdit(), 1700000000, true).ok);
  st = ReadHookInstallState(path);
  EXPECT_EQ(st.installed, ClaudescopeHookEvents());
  EXPECT_EQ(st.error, "");
}

TEST(SettingsFile, AbsentFileIsCreatedWithItsDirectory) {
  TempDir t;
  std::string path = t.path() + "/claude/settings.json";
  auto r = EditSettingsFile(path, InstallEdit(), 1700000000, true);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.changed);
  EXPECT_FALSE(r.existed);
  EXPECT_TRUE(r.backup.empty());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((t.path() + "/claude").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  std::string text = ReadAll(path);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.substr(0, 14), "{\n  \"hooks\": {");
  // Uninstall of an absent file changes nothing and creates nothing.
  std::string other = t.path() + "/none/settings.json";
  r = EditSettingsFile(other, UninstallEdit(), 1700000000, false);
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.changed);
  EXPECT_FALSE(fs::exists(t.path() + "/none"));
}

TEST(SettingsFile, EmptyFileBecomesSettings) {
  TempDir t;
  std::string path = t.path() + "/settings.json";
  WriteAll(path, "");
  auto r = EditSettingsFile(path, InstallEdit(), 1700000000, true);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.changed);
  EXPECT_FALSE(r.backup.empty());
  ordered_json d;
  std::string err;
  ASSERT_TRUE(ParseSettings(ReadAll(path), &d, &err));
  EXPECT_EQ(d["hooks"].size(), ClaudescopeHookEvents().size());
}

TEST(SettingsFile, MalformedIsRefusedAndUntouched) {
  TempDir t;
  std::string path = t.path() + "/settings.json";
  const std::string bad = "{\n  \"model\": \"opus\",\n";
  WriteAll(path, bad);
  auto r = EditSettingsFile(path, InstallEdit(), 1700000000, true);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("not valid JSON"), std::string::npos) << r.error;
  EXPECT_EQ(ReadAll(path), bad);
  EXPECT_TRUE(Backups(t.path()).empty());
  r = EditSettingsFile(path, UninstallEdit(), 1700000000, false);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(ReadAll(path), bad);
}

TEST(SettingsFile, InstallTwiceIsByteIdenticalAndBacksUpOnce) {
  TempDir t;
  std::string path = t.path() + "/settings.json";
  WriteAll(path, kUserSettings);
  ::chmod(path.c_str(), 0644);
  auto r1 = EditSettingsFile(path, InstallEdit(), 1700000000, true);
  ASSERT_TRUE(r1.ok) << r1.error;
  EXPECT_TRUE(r1.changed);
  ASSERT_FALSE(r1.backup.empty());
  EXPECT_EQ(ReadAll(r1.backup), kUserSettings);
  EXPECT_NE(r1.backup.find("settings.json.claudescope-backup-2023"), std::string::npos);
  const std::string after_first = ReadAll(path);
  auto r2 = EditSettingsFile(path, InstallEdit(), 1700000100, true);
  ASSERT_TRUE(r2.ok) << r2.error;
  EXPECT_FALSE(r2.changed);
  EXPECT_EQ(ReadAll(path), after_first);
  EXPECT_EQ(Backups(t.path()).size(), 1u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);  // the user's mode is kept
  // No temporary files are left behind.
  for (auto& e : fs::directory_iterator(t.path()))
    EXPECT_EQ(e.path().string().find("claudescope-tmp"), std::string::npos);
}

TEST(SettingsFile, UninstallRestoresOriginalBytes) {
  TempDir t;
  std::string path = t.path() + "/settings.json";
  for (std::string original :
       {std::string(kUserSettings), std::string(kUserSettings, std::strlen(kUserSettings) - 1)}) {
    WriteAll(path, original);
    ASSERT_TRUE(EditSettingsFile(path, InstallEdit(), 1700000000, true).ok);
    EXPECT_NE(ReadAll(path), original);
    auto r = EditSettingsFile(path, UninstallEdit(), 1700000001, false);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.changed);
    EXPECT_EQ(ReadAll(path), original);
  }
}

TEST(SettingsFile, FollowsASymlinkedSettingsFile) {
  TempDir t;
  std::string target = t.path() + "/dotfiles-settings.json";
  std::string link = t.path() + "/settings.json";
  WriteAll(target, "{}\n");
  fs::create_symlink(target, link);
  auto r = EditSettingsFile(link, InstallEdit(), 1700000000, true);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_NE(ReadAll(target).find("claudescope hook"), std::string::npos);
}

}  // namespace
}  // namespace cs

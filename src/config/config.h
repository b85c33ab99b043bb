// Config: claudescope's settings (~/.claudescope/config.yaml), held as one JSON document so
// that the API's merge-patch, validation and the YAML file share a single model.
//
// Contract: Config is a value. Load() never throws: a missing file gives the defaults, a
// malformed or invalid file gives an error naming the problem. Paths: Paths::Resolve() reads
// CLAUDESCOPE_HOME (default ~/.claudescope) and CLAUDE_CONFIG_DIR.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/pricing.h"
#include "core/time.h"

namespace cs {

struct Paths {
  std::string home;         // ~/.claudescope
  std::string db;           // home/claudescope.db
  std::string config;       // home/config.yaml
  std::string hook_socket;  // home/hook.sock
  std::string spool_dir;    // home/spool
  static Paths Resolve();
};

// Transcript roots to scan: $CLAUDE_CONFIG_DIR/projects when set, else ~/.claude/projects and
// ~/.config/claude/projects (those that exist). `configured` (config key) overrides both.
std::vector<std::string> ClaudeProjectDirs(const std::vector<std::string>& configured = {});

struct Config {
  nlohmann::json doc;  // the whole document, defaults merged under the user's values

  // Typed views of doc, filled by Build().
  std::string host = "127.0.0.1";
  int port = 3000;
  int active_window_minutes = 15;
  int ws_max_field_bytes = 4096;
  std::vector<std::string> allowed_hosts;
  std::string auth_token;
  TimeZone tz = TimeZone::Local();
  std::vector<std::string> projects_dirs;
  PriceBook prices;

  static Config Defaults();
  // Reads the file at `path` (absent: defaults). On error returns nullopt and sets *error.
  static std::optional<Config> Load(const std::string& path, std::string* error);
  // Builds the typed view from a document; on a validation failure sets *error and *field.
  static std::optional<Config> FromDocument(nlohmann::json doc, std::string* error,
                                            std::string* field = nullptr);
  // Applies an RFC 7386 merge patch, validating the result.
  std::optional<Config> Patched(const nlohmann::json& patch, std::string* error,
                                std::string* field) const;
  // Writes doc as YAML atomically (temp file + rename). Returns false and sets *error on failure.
  bool Save(const std::string& path, std::string* error) const;
};

}  // namespace cs

#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/paths.h"
#include "default_config.h"

namespace cs {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json YamlToJson(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& kv : n)
        o[kv.first.as<std::string>()] = YamlToJson(kv.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& v : n)
        a.push_back(YamlToJson(v));
      return a;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "!") return s;  // quoted scalar: always a string
      if (s == "true" || s == "false") return s == "true";
      if (s == "null" || s == "~") return nullptr;
      char* end = nullptr;
      long long i = std::strtoll(s.c_str(), &end, 10);
      if (!s.empty() && end && *end == 0) return i;
      double d = std::strtod(s.c_str(), &end);
      if (!s.empty() && end && *end == 0) return d;
      return s;
    }
    default:
      return nullptr;
  }
}

void EmitJson(YAML::Emitter& out, const json& j) {
  if (j.is_object()) {
    out << YAML::BeginMap;
    for (auto it = j.begin(); it != j.end(); ++it) {
      out << YAML::Key << it.key() << YAML::Value;
      EmitJson(out, it.value());
    }
    out << YAML::EndMap;
  } else if (j.is_array()) {
    out << YAML::BeginSeq;
    for (const auto& v : j)
      EmitJson(out, v);
    out << YAML::EndSeq;
  } else if (j.is_string()) {
    out << YAML::DoubleQuoted << j.get<std::string>();
  } else if (j.is_null()) {
    out << YAML::Null;
  } else {
    out << j.dump();
  }
}

// Recursively fills keys of `defaults` missing in `doc` (lists are taken whole from doc).
void MergeDefaults(json& doc, const json& defaults) {
  if (!doc.is_object() || !defaults.is_object()) return;
  for (auto it = defaults.begin(); it != defaults.end(); ++it) {
    if (!doc.contains(it.key())) {
      doc[it.key()] = it.value();
    } else if (it.value().is_object()) {
      MergeDefaults(doc[it.key()], it.value());
    }
  }
}

bool Fail(std::string* error, std::string* field, const std::string& f, const std::string& msg) {
  if (error) *error = msg;
  if (field) *field = f;
  return false;
}

bool ReadRates(const json& j, const std::string& where, TokenRates& r, std::string* error,
               std::string* field) {
  struct {
    const char* key;
    double* out;
  } keys[] = {{"input", &r.input},
              {"output", &r.output},
              {"cache_write_5m", &r.cache_write_5m},
              {"cache_write_1h", &r.cache_write_1h},
              {"cache_read", &r.cache_read}};
  for (auto& k : keys) {
    if (!j.contains(k.key) || !j[k.key].is_number() || j[k.key].get<double>() < 0) {
      return Fail(error, field, where + "." + k.key,
                  where + "." + k.key + " must be a non-negative number (USD per million tokens)");
    }
    *k.out = j[k.key].get<double>();
  }
  return true;
}

bool BuildPrices(const json& p, PriceBook& out, std::string* error, std::string* field) {
  if (!p.is_object()) return Fail(error, field, "pricing", "pricing must be an object");
  if (!p.contains("models") || !p["models"].is_array()) {
    return Fail(error, field, "pricing.models", "pricing.models must be a list");
  }
  std::vector<ModelPrice> models;
  for (size_t i = 0; i < p["models"].size(); ++i) {
    const json& m = p["models"][i];
    std::string where = "pricing.models[" + std::to_string(i) + "]";
    if (!m.is_object() || !m.contains("family") || !m["family"].is_string() ||
        m["family"].get<std::string>().empty()) {
      return Fail(error, field, where + ".family", where + ".family must be a model id prefix");
    }
    ModelPrice mp;
    mp.family = PriceBook::NormaliseModel(m["family"].get<std::string>());
    if (!ReadRates(m, where, mp.rates, error, field)) return false;
    if (m.contains("long_context") && !m["long_context"].is_null()) {
      const json& lc = m["long_context"];
      TokenRates r;
      if (!ReadRates(lc, where + ".long_context", r, error, field)) return false;
      if (!lc.contains("threshold_tokens") || !lc["threshold_tokens"].is_number_integer()) {
        return Fail(error, field, where + ".long_context.threshold_tokens",
                    where + ".long_context.threshold_tokens must be an integer");
      }
      mp.long_context = r;
      mp.long_context_threshold = lc["threshold_tokens"].get<int64_t>();
    }
    mp.fast_multiplier = m.value("fast_multiplier", 1.0);
    mp.us_only_multiplier = m.value("us_only_multiplier", 1.0);
    models.push_back(std::move(mp));
  }
  double ws = p.contains("web_search_per_1k") && p["web_search_per_1k"].is_number()
                  ? p["web_search_per_1k"].get<double>()
                  : 10.0;
  out = PriceBook(p.value("as_of", std::string()), std::move(models), ws);
  return true;
}

}  // namespace

Paths Paths::Resolve() {
  Paths p;
  p.home = ClaudescopeHome();
  p.db = p.home + "/claudescope.db";
  p.config = p.home + "/config.yaml";
  p.hook_socket = HookSocketPath(p.home);
  p.spool_dir = SpoolDir(p.home);
  return p;
}

std::vector<std::string> ClaudeProjectDirs(const std::vector<std::string>& configured) {
  if (!configured.empty()) return configured;
  std::vector<std::string> dirs;
  if (const char* c = std::getenv("CLAUDE_CONFIG_DIR"); c && *c) {
    // May be a comma-separated list, as ccusage accepts.
    std::stringstream ss(c);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (!item.empty()) dirs.push_back(item + "/projects");
    }
    return dirs;
  }
  std::string home = HomeDir();
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  std::string xdg_dir = (xdg && *xdg ? std::string(xdg) : home + "/.config") + "/claude/projects";
  dirs.push_back(home + "/.claude/projects");
  std::error_code ec;
  if (fs::is_directory(xdg_dir, ec)) dirs.push_back(xdg_dir);
  return dirs;
}

Config Config::Defaults() {
  // An empty document is the defaults once merged: parsing the YAML again here doubled the
  // start-up cost of every command run without a configuration file.
  std::string err;
  auto c = FromDocument(json::object(), &err);
  return c ? *c : Config();
}

std::optional<Config> Config::FromDocument(json doc, std::string* error, std::string* field) {
  static const json defaults = YamlToJson(YAML::Load(kDefaultConfigYaml));
  if (!doc.is_object()) {
    Fail(error, field, "", "the configuration must be a mapping");
    return std::nullopt;
  }
  MergeDefaults(doc, defaults);
  Config c;
  const json& s = doc["server"];
  if (!s.is_object()) {
    Fail(error, field, "server", "server must be a mapping");
    return std::nullopt;
  }
  if (!s["host"].is_string()) {
    Fail(error, field, "server.host", "server.host must be a string");
    return std::nullopt;
  }
  c.host = s["host"].get<std::string>();
  if (!s["port"].is_number_integer() || s["port"].get<int64_t>() < 0 ||
      s["port"].get<int64_t>() > 65535) {
    Fail(error, field, "server.port", "server.port must be an integer from 0 to 65535");
    return std::nullopt;
  }
  c.port = s["port"].get<int>();
  if (!s["active_window_minutes"].is_number_integer() ||
      s["active_window_minutes"].get<int64_t>() < 1 ||
      s["active_window_minutes"].get<int64_t>() > 10080) {
    Fail(error, field, "server.active_window_minutes",
         "server.active_window_minutes must be an integer from 1 to 10080");
    return std::nullopt;
  }
  c.active_window_minutes = s["active_window_minutes"].get<int>();
  if (!s["ws_max_field_bytes"].is_number_integer() || s["ws_max_field_bytes"].get<int64_t>() < 64) {
    Fail(error, field, "server.ws_max_field_bytes",
         "server.ws_max_field_bytes must be an integer of at least 64");
    return std::nullopt;
  }
  c.ws_max_field_bytes = s["ws_max_field_bytes"].get<int>();
  if (!s["allowed_hosts"].is_array()) {
    Fail(error, field, "server.allowed_hosts", "server.allowed_hosts must be a list of host names");
    return std::nullopt;
  }
  for (const auto& h : s["allowed_hosts"]) {
    if (!h.is_string()) {
      Fail(error, field, "server.allowed_hosts", "server.allowed_hosts must hold strings");
      return std::nullopt;
    }
    c.allowed_hosts.push_back(h.get<std::string>());
  }
  if (!s["auth_token"].is_string()) {
    Fail(error, field, "server.auth_token", "server.auth_token must be a string");
    return std::nullopt;
  }
  c.auth_token = s["auth_token"].get<std::string>();
  if (!doc["timezone"].is_string()) {
    Fail(error, field, "timezone", "timezone must be an IANA zone name or \"local\"");
    return std::nullopt;
  }
  auto tz = TimeZone::Named(doc["timezone"].get<std::string>());
  if (!tz) {
    Fail(error, field, "timezone", "unknown time zone: " + doc["timezone"].get<std::string>());
    return std::nullopt;
  }
  c.tz = *tz;
  if (!doc["claude_projects_dirs"].is_array()) {
    Fail(error, field, "claude_projects_dirs", "claude_projects_dirs must be a list of paths");
    return std::nullopt;
  }
  for (const auto& d : doc["claude_projects_dirs"]) {
    if (d.is_string()) c.projects_dirs.push_back(d.get<std::string>());
  }
  if (!BuildPrices(doc["pricing"], c.prices, error, field)) return std::nullopt;
  c.doc = std::move(doc);
  return c;
}

std::optional<Config> Config::Load(const std::string& path, std::string* error) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Defaults();
  try {
    YAML::Node n = YAML::LoadFile(path);
    json doc = n.IsNull() ? json::object() : YamlToJson(n);
    std::string field;
    auto c = FromDocument(std::move(doc), error, &field);
    if (!c && error) *error = path + ": " + *error;
    return c;
  } catch (const std::exception& e) {
    if (error) *error = path + ": " + e.what();
    return std::nullopt;
  }
}

std::optional<Config> Config::Patched(const json& patch, std::string* error,
                                      std::string* field) const {
  if (!patch.is_object()) {
    Fail(error, field, "", "the body must be a JSON object (a merge patch)");
    return std::nullopt;
  }
  json doc = this->doc;
  doc.merge_patch(patch);
  return FromDocument(std::move(doc), error, field);
}

bool Config::Save(const std::string& path, std::string* error) const {
  YAML::Emitter out;
  EmitJson(out, doc);
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << "# claudescope configuration (written by claudescope; comments are not kept)\n"
      << out.c_str() << "\n";
    if (!f) {
      if (error) *error = "cannot write " + tmp;
      return false;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    if (error) *error = "cannot replace " + path + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace cs

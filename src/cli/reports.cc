// `claudescope daily` and `claudescope session`: usage per day and per session, as terminal
// tables or, with --json, as the documents described in the README.
#include <cstdio>

#include "cli/common.h"
#include "report/table.h"
#include "store/schema.h"
#include "store/usage_report.h"

namespace cs {

namespace {

struct ReportOptions {
  CommonOptions common;
  std::string since, until, tz, project;
  bool json = false;
};

void AddReportOptions(CLI::App* c, ReportOptions& o) {
  o.common.Add(c);
  c->add_option("--since", o.since, "First day (YYYY-MM-DD, or RFC 3339)");
  c->add_option("--until", o.until, "Last day, inclusive (YYYY-MM-DD, or RFC 3339)");
  c->add_option("--tz", o.tz, "Time zone for days (IANA name; default: config, else local)");
  c->add_option("--project", o.project, "Only this project (path or name)");
  c->add_flag("--json", o.json, "Print JSON instead of a table");
}

// Builds the filter; prints the error and returns nullopt on a bad value.
std::optional<UsageReportFilter> BuildFilter(const ReportOptions& o, const Config& cfg) {
  UsageReportFilter f;
  f.tz = cfg.tz;
  if (!o.tz.empty()) {
    auto tz = TimeZone::Named(o.tz);
    if (!tz) {
      std::fprintf(stderr, "claudescope: --tz: unknown time zone '%s'\n", o.tz.c_str());
      return std::nullopt;
    }
    f.tz = *tz;
  }
  // ccusage writes days as YYYYMMDD: accept that too.
  auto normalise = [](std::string s) {
    if (s.size() == 8 && s.find_first_not_of("0123456789") == std::string::npos) {
      s = s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 2);
    }
    return s;
  };
  if (!o.since.empty()) {
    f.from_ms = ParseRangeBound(normalise(o.since), f.tz, false);
    if (!f.from_ms) {
      std::fprintf(stderr, "claudescope: --since: expected YYYY-MM-DD, got '%s'\n",
                   o.since.c_str());
      return std::nullopt;
    }
  }
  if (!o.until.empty()) {
    f.to_ms = ParseRangeBound(normalise(o.until), f.tz, true);
    if (!f.to_ms) {
      std::fprintf(stderr, "claudescope: --until: expected YYYY-MM-DD, got '%s'\n",
                   o.until.c_str());
      return std::nullopt;
    }
  }
  if (f.from_ms && f.to_ms && *f.from_ms >= *f.to_ms) {
    std::fprintf(stderr, "claudescope: --since is after --until\n");
    return std::nullopt;
  }
  if (!o.project.empty()) f.project = o.project;
  return f;
}

std::string Models(const nlohmann::ordered_json& models) {
  std::string out;
  for (const auto& m : models) {
    if (!out.empty()) out += ", ";
    out += m.get<std::string>();
  }
  return out;
}

std::vector<std::string> TokenCells(const nlohmann::ordered_json& r) {
  return {Thousands(r["input_tokens"].get<long long>()),
          Thousands(r["output_tokens"].get<long long>()),
          Thousands(r["cache_write_5m_tokens"].get<long long>() +
                    r["cache_write_1h_tokens"].get<long long>()),
          Thousands(r["cache_read_tokens"].get<long long>()),
          Thousands(r["total_tokens"].get<long long>()),
          Money(r["cost_usd"].get<double>())};
}

int RunDaily(const ReportOptions& o) {
  auto cfg = LoadConfigOrReport();
  if (!cfg) return 1;
  auto f = BuildFilter(o, *cfg);
  if (!f) return 2;
  auto db = OpenStore(o.common.DbPath());
  auto doc = DailyUsage(*db, *f);
  if (o.json) {
    std::printf("%s\n", doc.dump(2).c_str());
    return 0;
  }
  TextTable t(
      {"Date", "Input", "Output", "Cache write", "Cache read", "Total tokens", "Cost", "Models"});
  for (const auto& r : doc["daily"]) {
    auto cells = TokenCells(r);
    cells.insert(cells.begin(), r["date"].get<std::string>());
    cells.push_back(Models(r["models"]));
    t.AddRow(cells);
  }
  t.AddSeparator();
  auto cells = TokenCells(doc["totals"]);
  cells.insert(cells.begin(), "Total");
  t.AddRow(cells);
  std::printf("Usage per day (%s)\n\n%s", f->tz.name().c_str(), t.Render().c_str());
  return 0;
}

int RunSession(const ReportOptions& o) {
  auto cfg = LoadConfigOrReport();
  if (!cfg) return 1;
  auto f = BuildFilter(o, *cfg);
  if (!f) return 2;
  auto db = OpenStore(o.common.DbPath());
  auto doc = SessionUsage(*db, *f);
  if (o.json) {
    std::printf("%s\n", doc.dump(2).c_str());
    return 0;
  }
  TextTable t({"Session", "Project", "Last activity", "Input", "Output", "Cache write",
               "Cache read", "Total tokens", "Cost", "Prompts", "Tools"});
  for (const auto& r : doc["sessions"]) {
    auto cells = TokenCells(r);
    std::string last = r["last_activity_at"].is_string()
                           ? r["last_activity_at"].get<std::string>().substr(0, 16)
                           : "";
    cells.insert(cells.begin(), {r["id"].get<std::string>().substr(0, 8),
                                 r["project_path"].get<std::string>(), last});
    cells.push_back(Thousands(r["user_prompts"].get<long long>()));
    cells.push_back(Thousands(r["tool_calls"].get<long long>()));
    t.AddRow(cells);
  }
  t.AddSeparator();
  auto cells = TokenCells(doc["totals"]);
  cells.insert(cells.begin(), {"Total", "", ""});
  cells.push_back(Thousands(doc["totals"]["user_prompts"].get<long long>()));
  cells.push_back(Thousands(doc["totals"]["tool_calls"].get<long long>()));
  t.AddRow(cells);
  std::printf("%s", t.Render().c_str());
  return 0;
}

template <typename Fn>
void Register(CLI::App& root, int* exit_code, const char* name, const char* help, Fn run) {
  auto o = std::make_shared<ReportOptions>();
  auto* c = root.add_subcommand(name, help);
  AddReportOptions(c, *o);
  c->callback([o, exit_code, run, name] {
    try {
      *exit_code = run(*o);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "claudescope %s: %s\n", name, e.what());
      *exit_code = 1;
    }
  });
}

}  // namespace

void RegisterReports(CLI::App& root, int* exit_code) {
  Register(root, exit_code, "daily", "Token usage and cost per day", RunDaily);
  Register(root, exit_code, "session", "Token usage and cost per session", RunSession);
}

}  // namespace cs

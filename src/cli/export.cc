// `claudescope export --format json|csv|html [--output FILE] [--project P] [--from D] [--to D]
// [--session-id ID]`: the same export as GET /api/export, to a file or stdout.
#include <cstdio>
#include <filesystem>

#include "cli/common.h"
#include "report/export.h"
#include "store/schema.h"

namespace cs {

namespace {

struct ExportOptions {
  CommonOptions common;
  std::string format = "json", output, project, from, to, session_id, tz;
};

int RunExport(const ExportOptions& o) {
  auto cfg = LoadConfigOrReport();
  if (!cfg) return 1;
  auto format = ParseExportFormat(o.format);
  if (!format) {
    std::fprintf(stderr, "claudescope export: --format: expected json, csv or html\n");
    return 2;
  }
  ExportFilter f;
  f.tz = cfg->tz;
  if (!o.tz.empty()) {
    auto tz = TimeZone::Named(o.tz);
    if (!tz) {
      std::fprintf(stderr, "claudescope export: --tz: unknown time zone '%s'\n", o.tz.c_str());
      return 2;
    }
    f.tz = *tz;
  }
  if (!o.from.empty()) {
    f.from_ms = ParseRangeBound(o.from, f.tz, false);
    if (!f.from_ms) {
      std::fprintf(stderr, "claudescope export: --from: expected YYYY-MM-DD or RFC 3339\n");
      return 2;
    }
  }
  if (!o.to.empty()) {
    f.to_ms = ParseRangeBound(o.to, f.tz, true);
    if (!f.to_ms) {
      std::fprintf(stderr, "claudescope export: --to: expected YYYY-MM-DD or RFC 3339\n");
      return 2;
    }
  }
  if (f.from_ms && f.to_ms && *f.from_ms >= *f.to_ms) {
    std::fprintf(stderr, "claudescope export: --from is after --to\n");
    return 2;
  }
  if (!o.project.empty()) f.project = o.project;
  if (!o.session_id.empty()) f.session_id = o.session_id;
  f.active_window_ms = int64_t(cfg->active_window_minutes) * 60 * 1000;

  auto db = OpenStore(o.common.DbPath());
  // Written next to the target and renamed at the end, so a failed export leaves no half file.
  std::string tmp = o.output.empty() ? "" : o.output + ".part";
  FILE* out = o.output.empty() ? stdout : std::fopen(tmp.c_str(), "wb");
  if (!out) {
    std::fprintf(stderr, "claudescope export: cannot write %s\n", o.output.c_str());
    return 1;
  }
  int64_t bytes = 0;
  bool ok = false;
  try {
    ok = WriteExport(*db, *format, f, NowMs(), [&](std::string_view chunk) {
      bytes += int64_t(chunk.size());
      return std::fwrite(chunk.data(), 1, chunk.size(), out) == chunk.size();
    });
  } catch (...) {
    if (out != stdout) {
      std::fclose(out);
      std::remove(tmp.c_str());
    }
    throw;
  }
  if (out == stdout) {
    std::fflush(stdout);
    return ok ? 0 : 1;
  }
  ok = std::fclose(out) == 0 && ok;
  if (!ok) {
    std::remove(tmp.c_str());
    std::fprintf(stderr, "claudescope export: writing %s failed\n", o.output.c_str());
    return 1;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, o.output, ec);
  if (ec) {
    std::fprintf(stderr, "claudescope export: %s: %s\n", o.output.c_str(), ec.message().c_str());
    return 1;
  }
  std::fprintf(stderr, "Exported %.1f KB (%s) to %s\n", bytes / 1024.0, o.format.c_str(),
               o.output.c_str());
  return 0;
}

}  // namespace

void RegisterExport(CLI::App& root, int* exit_code) {
  auto o = std::make_shared<ExportOptions>();
  auto* c = root.add_subcommand("export", "Export sessions as JSON, a ZIP of CSVs, or HTML");
  o->common.Add(c);
  c->add_option("--format", o->format, "json | csv (a ZIP) | html (default json)");
  c->add_option("--output,-o", o->output, "File to write (default: stdout)");
  c->add_option("--project", o->project, "Only this project (path or name)");
  c->add_option("--from", o->from, "Sessions active from this day (YYYY-MM-DD or RFC 3339)");
  c->add_option("--to", o->to, "... until this day, inclusive");
  c->add_option("--session-id", o->session_id, "Only this session");
  c->add_option("--tz", o->tz, "Time zone for days (default: config)");
  c->callback([o, exit_code] {
    try {
      *exit_code = RunExport(*o);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "claudescope export: %s\n", e.what());
      *exit_code = 1;
    }
  });
}

}  // namespace cs

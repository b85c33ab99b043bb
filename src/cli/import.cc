// `claudescope import`: reads Claude Code transcripts into the store, with a progress bar on
// a terminal and plain lines otherwise, then a summary.
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/common.h"
#include "ingest/ingestor.h"
#include "report/export_import.h"
#include "store/schema.h"

namespace cs {

namespace {

struct ImportOptions {
  CommonOptions common;
  std::vector<std::string> paths;
  std::string from_export;  // --from-export FILE: a `claudescope export --format json` file
};

void PrintProgress(const IngestProgress& p, double seconds, bool tty, int64_t* last_line) {
  if (p.building_indexes) {
    std::fprintf(stderr, tty ? "\nbuilding indexes..." : "import: building indexes\n");
    return;
  }
  double mb = p.bytes_done / 1e6, total = p.bytes_total / 1e6;
  double rate = seconds > 0 ? mb / seconds : 0;
  double eta = rate > 0 ? (total - mb) / rate : 0;
  if (tty) {
    int width = 30;
    int filled = p.bytes_total > 0 ? int(width * double(p.bytes_done) / p.bytes_total) : width;
    filled = std::min(filled, width);
    std::fprintf(stderr, "\r[%.*s%*s] %lld/%lld files  %.1f/%.1f MB  %.1f MB/s  ETA %.0fs ", filled,
                 "##############################", width - filled, "", (long long)p.files_done,
                 (long long)p.files_total, mb, total, rate, eta);
  } else if (p.files_done == p.files_total || p.files_done - *last_line >= 500) {
    *last_line = p.files_done;
    std::fprintf(stderr, "import: %lld/%lld files, %.1f MB, %.1f MB/s\n", (long long)p.files_done,
                 (long long)p.files_total, mb, rate);
  }
}

// Reads a JSON export back (report/export_import.h): the round trip of `claudescope export`.
int RunImportExport(const ImportOptions& o, const Config& cfg) {
  std::string db_path = o.common.DbPath();
  auto db = OpenStore(db_path);
  auto t0 = std::chrono::steady_clock::now();
  ExportImportStats st = ImportJsonExport(*db, o.from_export, &cfg.prices);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("Imported %lld sessions, %lld messages, %lld tool calls from %s in %.2f s into %s\n",
              (long long)st.sessions, (long long)st.messages, (long long)st.tool_calls,
              o.from_export.c_str(), secs, db_path.c_str());
  for (const auto& w : st.warnings)
    std::fprintf(stderr, "warning: %s\n", w.c_str());
  return 0;
}

int RunImport(const ImportOptions& o) {
  auto cfg = LoadConfigOrReport();
  if (!cfg) return 1;
  if (!o.from_export.empty()) return RunImportExport(o, *cfg);
  std::vector<std::string> roots =
      o.paths.empty() ? ClaudeProjectDirs(cfg->projects_dirs) : o.paths;
  std::string db_path = o.common.DbPath();
  auto db = OpenStore(db_path);
  Ingestor ingestor(*db, &cfg->prices);
  ingestor.set_rollback_first_import(true);
  bool tty = ::isatty(STDERR_FILENO);
  auto t0 = std::chrono::steady_clock::now();
  int64_t last_line = 0;
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  IngestStats stats = ingestor.IngestTree(
      roots, [&](const IngestProgress& p) { PrintProgress(p, elapsed(), tty, &last_line); });
  if (tty) std::fprintf(stderr, "\n");
  double secs = elapsed();

  Stmt q(*db,
         "SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM messages), "
         "(SELECT count(*) FROM tool_calls WHERE tool_name IS NOT NULL), "
         "(SELECT coalesce(sum(skipped),0) FROM files)");
  q.Step();
  std::printf(
      "Imported %lld files (%.1f MB) in %.2f s (%.1f MB/s) into %s\n"
      "  read now: %lld lines, %lld skipped\n"
      "  store: %lld sessions, %lld messages, %lld tool calls, %lld skipped lines in all\n",
      (long long)stats.files_read, stats.bytes / 1e6, secs, secs > 0 ? stats.bytes / 1e6 / secs : 0,
      db_path.c_str(), (long long)stats.lines, (long long)stats.skipped, (long long)q.Int(0),
      (long long)q.Int(1), (long long)q.Int(2), (long long)q.Int(3));
  for (const auto& root : roots) {
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) {
      std::fprintf(stderr, "note: %s does not exist (no transcripts there)\n", root.c_str());
    }
  }
  for (const auto& f : stats.failures)
    std::fprintf(stderr, "warning: %s\n", f.c_str());
  return 0;
}

}  // namespace

void RegisterImport(CLI::App& root, int* exit_code) {
  auto o = std::make_shared<ImportOptions>();
  auto* c = root.add_subcommand("import", "Read Claude Code transcripts into the database");
  o->common.Add(c);
  c->add_option("--path", o->paths,
                "A Claude Code projects directory (repeatable; default: ~/.claude/projects, "
                "~/.config/claude/projects, or $CLAUDE_CONFIG_DIR/projects)");
  c->add_option("--from-export", o->from_export,
                "Read a `claudescope export --format json` file instead of transcripts")
      ->excludes("--path");
  c->callback([o, exit_code] {
    try {
      *exit_code = RunImport(*o);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "claudescope import: %s\n", e.what());
      *exit_code = 1;
    }
  });
}

}  // namespace cs

// Export: the sessions of a filter as one JSON document, a ZIP of CSV files, or a
// self-contained HTML report (docs/api-contract.md section 3, GET /api/export). One
// implementation serves the HTTP download and `claudescope export`.
//
// Contract: WriteExport reads with cursors on the given connection (a reader; it opens its own
// read transaction so that the export is one snapshot) and hands the output to `sink` in chunks
// of about kExportChunkBytes, so memory stays flat whatever the size. When `sink` returns false
// (the client went away) the export stops at the next row and WriteExport returns false.
// Thread-compatible: one export per connection at a time. DbError / std::runtime_error for
// internal faults (a temporary file that cannot be written, for CSV).
//
// Selection: a session is exported when it matches project / session_id and had activity in
// [from, to) (last_activity_at >= from, started_at < to), as GET /api/sessions selects; an
// exported session always comes with all its rows, so that re-importing it rebuilds the same
// totals (report/export_import.h).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"
#include "store/db.h"

namespace cs {

enum class ExportFormat { kJson, kCsv, kHtml };

// "json" | "csv" | "html".
std::optional<ExportFormat> ParseExportFormat(std::string_view name);
const char* ExportFormatName(ExportFormat f);
// "application/json; charset=utf-8", "application/zip", "text/html; charset=utf-8".
const char* ExportContentType(ExportFormat f);
// "claudescope-export-20261001-140307.json" (.zip for CSV), the time in UTC.
std::string ExportFileName(ExportFormat f, int64_t now_ms);

struct ExportFilter {
  std::optional<std::string> project;  // exact project_path, else project name
  std::optional<std::string> session_id;
  std::optional<int64_t> from_ms;  // inclusive
  std::optional<int64_t> to_ms;    // exclusive
  TimeZone tz = TimeZone::Utc();   // days of the HTML chart; filters' echo
  int64_t active_window_ms = 15 * 60 * 1000;
};

inline constexpr size_t kExportChunkBytes = 64 * 1024;

using ExportSink = std::function<bool(std::string_view)>;

// Writes the whole export to `sink`. Returns false when the sink refused a chunk.
bool WriteExport(Db& db, ExportFormat format, const ExportFilter& filter, int64_t now_ms,
                 const ExportSink& sink);

// Text helper, exposed for tests.
// One RFC 4180 field: quoted when it holds a comma, quote, CR or LF (quotes doubled).
std::string CsvField(std::string_view s);

}  // namespace cs

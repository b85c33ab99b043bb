// The CSV export: a ZIP of sessions.csv, messages.csv and tool_calls.csv (RFC 4180, UTF-8,
// CRLF line ends, a header row each).
//
// Why temporary files: libzip writes archives through seekable sources and outputs, so it cannot
// produce a ZIP straight into a socket. The rows are written to CSV files in a private temporary
// directory, libzip builds the archive into another temporary file, and that file is streamed in
// chunks; memory stays flat (disk use is about the CSV size plus the compressed size). The
// directory is removed whatever happens. A client that goes away is noticed once streaming
// starts; the CSV files are written before that.
#include <stdlib.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "report/export_internal.h"
#include "store/sessions_query.h"

namespace cs::export_detail {

namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

const std::vector<std::string> kSessionHeader = {"id",
                                                 "project_path",
                                                 "project_name",
                                                 "cwd",
                                                 "git_branch",
                                                 "title",
                                                 "first_prompt",
                                                 "started_at",
                                                 "ended_at",
                                                 "last_activity_at",
                                                 "duration_seconds",
                                                 "is_active",
                                                 "claude_version",
                                                 "entry_point",
                                                 "permission_mode",
                                                 "models",
                                                 "message_count",
                                                 "user_prompt_count",
                                                 "tool_call_count",
                                                 "tool_error_count",
                                                 "subagent_count",
                                                 "compaction_count",
                                                 "api_error_count",
                                                 "input_tokens",
                                                 "output_tokens",
                                                 "cache_read_tokens",
                                                 "cache_write_5m_tokens",
                                                 "cache_write_1h_tokens",
                                                 "cache_write_tokens",
                                                 "total_tokens",
                                                 "estimated_cost_usd",
                                                 "notes",
                                                 "tags"};

const std::vector<std::string> kMessageHeader = {"id",
                                                 "session_id",
                                                 "parent_id",
                                                 "type",
                                                 "kind",
                                                 "model",
                                                 "content_text",
                                                 "timestamp",
                                                 "is_sidechain",
                                                 "agent_id",
                                                 "request_id",
                                                 "input_tokens",
                                                 "output_tokens",
                                                 "cache_read_tokens",
                                                 "cache_write_tokens",
                                                 "cache_write_5m_tokens",
                                                 "cache_write_1h_tokens",
                                                 "cost_usd"};

const std::vector<std::string> kToolCallHeader = {
    "id",        "session_id",   "message_id",  "tool_name",      "input",          "file_path",
    "success",   "error",        "duration_ms", "stdout_preview", "stderr_preview", "timestamp",
    "result_at", "is_sidechain", "agent_id"};

// Arrays of strings (models, tags) are joined with ';'; objects are their JSON text.
std::string Cell(const ordered_json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return CsvField(v.get_ref<const std::string&>());
  if (v.is_array()) {
    std::string joined;
    for (const auto& e : v) {
      if (!joined.empty()) joined.push_back(';');
      joined += e.is_string() ? e.get<std::string>() : Dump(e);
    }
    return CsvField(joined);
  }
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return CsvField(Dump(v));
}

void WriteRow(std::ofstream& f, const std::vector<std::string>& header, const ordered_json& j) {
  bool first = true;
  for (const auto& key : header) {
    if (!first) f << ',';
    first = false;
    auto it = j.find(key);
    if (it != j.end()) f << Cell(*it);
  }
  f << "\r\n";
}

void WriteHeader(std::ofstream& f, const std::vector<std::string>& header) {
  for (size_t i = 0; i < header.size(); ++i)
    f << (i ? "," : "") << header[i];
  f << "\r\n";
}

// A private directory under the system temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "claudescope-export-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a temporary directory");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void AddFile(zip_t* za, const fs::path& file, const char* name) {
  zip_source_t* src = zip_source_file(za, file.c_str(), 0, -1);
  if (!src) throw std::runtime_error(std::string("zip: ") + zip_strerror(za));
  zip_int64_t index = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
  if (index < 0) {
    zip_source_free(src);
    throw std::runtime_error(std::string("zip: ") + zip_strerror(za));
  }
  // Deflate's fastest level: CSV of repetitive ids still shrinks about sevenfold, in a fraction
  // of the default level's time (the export is streamed only once the archive is complete).
  if (zip_set_file_compression(za, zip_uint64_t(index), ZIP_CM_DEFLATE, 1) < 0) {
    throw std::runtime_error(std::string("zip: ") + zip_strerror(za));
  }
}

}  // namespace

bool WriteCsvZip(Db& db, const ExportFilter& f, int64_t now_ms, ChunkBuffer& out) {
  TempDir dir;
  const fs::path sessions_csv = dir.path() / "sessions.csv";
  const fs::path messages_csv = dir.path() / "messages.csv";
  const fs::path tools_csv = dir.path() / "tool_calls.csv";
  {
    std::ofstream sessions(sessions_csv, std::ios::binary),
        messages(messages_csv, std::ios::binary), tools(tools_csv, std::ios::binary);
    if (!sessions || !messages || !tools) {
      throw std::runtime_error("cannot write the temporary CSV files");
    }
    WriteHeader(sessions, kSessionHeader);
    WriteHeader(messages, kMessageHeader);
    WriteHeader(tools, kToolCallHeader);
    const SessionClock clock{now_ms, f.active_window_ms};
    SqlConditions where = SessionConditions(f);
    Stmt ids = SelectSessionIds(db, where);
    while (ids.Step()) {
      std::string id = ids.Text(0);
      WriteRow(sessions, kSessionHeader, GetSession(db, id, clock));
      Stmt m = SelectMessages(db, id);
      while (m.Step())
        WriteRow(messages, kMessageHeader, ExportMessageJson(m));
      Stmt t = SelectToolCalls(db, id);
      while (t.Step())
        WriteRow(tools, kToolCallHeader, ToolCallJson(t, 0));
    }
    sessions.flush();
    messages.flush();
    tools.flush();
    if (!sessions || !messages || !tools) {
      throw std::runtime_error("cannot write the temporary CSV files (disk full?)");
    }
  }

  const fs::path zip_path = dir.path() / "export.zip";
  int err = 0;
  zip_t* za = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!za) throw std::runtime_error("zip: cannot create the archive");
  try {
    AddFile(za, sessions_csv, "sessions.csv");
    AddFile(za, messages_csv, "messages.csv");
    AddFile(za, tools_csv, "tool_calls.csv");
  } catch (...) {
    zip_discard(za);
    throw;
  }
  if (zip_close(za) < 0) {
    std::string msg = zip_strerror(za);
    zip_discard(za);
    throw std::runtime_error("zip: " + msg);
  }

  std::ifstream in(zip_path, std::ios::binary);
  std::string chunk(kExportChunkBytes, '\0');
  while (out.ok() && in) {
    in.read(chunk.data(), std::streamsize(chunk.size()));
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    out.Write(std::string_view(chunk.data(), size_t(n)));
  }
  return out.ok();
}

}  // namespace cs::export_detail

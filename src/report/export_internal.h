// Shared parts of the export formats (report/export*.cc only): the chunking writer, the session
// selection and the row readers. Same contract as export.h.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "report/export.h"
#include "store/messages_query.h"

namespace cs::export_detail {

// Buffers output and hands it to the sink in chunks; once the sink refuses, every later write is
// dropped and ok() is false, so loops can stop at their next row.
class ChunkBuffer {
 public:
  explicit ChunkBuffer(const ExportSink& sink) : sink_(sink) { buf_.reserve(kExportChunkBytes); }
  void Write(std::string_view s) {
    if (!ok_) return;
    buf_.append(s);
    if (buf_.size() >= kExportChunkBytes) Flush();
  }
  ChunkBuffer& operator<<(std::string_view s) {
    Write(s);
    return *this;
  }
  bool Flush() {
    if (ok_ && !buf_.empty()) ok_ = sink_(buf_);
    buf_.clear();
    return ok_;
  }
  bool ok() const { return ok_; }

 private:
  const ExportSink& sink_;
  std::string buf_;
  bool ok_ = true;
};

// The WHERE (over `sessions s`) that selects the exported sessions.
SqlConditions SessionConditions(const ExportFilter& f);
// "SELECT s.id FROM sessions s <where> ORDER BY s.started_at, s.id", bound.
Stmt SelectSessionIds(Db& db, const SqlConditions& where);
// {project, session_id, from, to, tz} as given (null when absent).
nlohmann::ordered_json FiltersJson(const ExportFilter& f);

// Messages of one session in time order (ties by rowid), with the contract's Message fields
// plus what a re-import needs: cache_write_5m_tokens, cache_write_1h_tokens,
// web_search_requests, fast, us_only, legacy_cost_usd, priced.
Stmt SelectMessages(Db& db, const std::string& session_id);
nlohmann::ordered_json ExportMessageJson(const Stmt& q);
// Tool calls (every row, also results whose call was never seen) in time order, ties by id.
Stmt SelectToolCalls(Db& db, const std::string& session_id);
// Subagents by started_at, id, with the contract's fields plus the token split.
Stmt SelectSubagents(Db& db, const std::string& session_id);
nlohmann::ordered_json ExportSubagentJson(const Stmt& q);
// Compactions {id, timestamp, trigger, pre_tokens} in time order.
Stmt SelectCompactions(Db& db, const std::string& session_id);
nlohmann::ordered_json CompactionJson(const Stmt& q);

std::string Dump(const nlohmann::ordered_json& j);

bool WriteJson(Db& db, const ExportFilter& f, int64_t now_ms, ChunkBuffer& out);
bool WriteCsvZip(Db& db, const ExportFilter& f, int64_t now_ms, ChunkBuffer& out);
bool WriteHtml(Db& db, const ExportFilter& f, int64_t now_ms, ChunkBuffer& out);

}  // namespace cs::export_detail

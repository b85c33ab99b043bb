#include "report/export_import.h"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_map>

#include "core/time.h"
#include "store/ingest_writer.h"

namespace cs {

namespace {

// Ordered, so that a tool call's input is written back with its keys in their original order.
using json = nlohmann::ordered_json;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t Int(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

bool Bool(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::optional<int64_t> Time(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return ParseTimestamp(it->get<std::string>());
}

const json& ArrayOf(const json& j, const char* key) {
  static const json kEmpty = json::array();
  auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : kEmpty;
}

void BindText(Stmt& q, int i, const std::string& s) {
  if (s.empty()) {
    q.BindNull(i);
  } else {
    q.Bind(i, s);
  }
}

class SessionImporter {
 public:
  SessionImporter(Db& db, IngestWriter& writer, const std::string& path, ExportImportStats& stats)
      : db_(db), writer_(writer), path_(path), stats_(stats) {}

  void Apply(const json& entry) {
    const json& s = entry.at("session");
    sid_ = Str(s, "id");
    if (sid_.empty()) throw std::runtime_error("an exported session has no id");
    base_ = TranscriptRecord{};
    base_.session_id = sid_;
    base_.cwd = Str(s, "cwd");
    base_.git_branch = Str(s, "git_branch");
    base_.version = Str(s, "claude_version");
    base_.entrypoint = Str(s, "entry_point");
    base_.permission_mode = Str(s, "permission_mode");
    ctx_ = FileContext{};
    ctx_.path = "export:" + path_;
    ctx_.session_id = sid_;

    writer_.Begin();
    {
      // The project is the exported one, not a re-derivation from a cwd that may not exist here.
      Stmt q(db_,
             "INSERT INTO sessions(id, project_path, project_name, cwd) VALUES(?1, ?2, ?3, ?4) "
             "ON CONFLICT(id) DO NOTHING");
      q.Bind(1, sid_).Bind(2, Str(s, "project_path")).Bind(3, Str(s, "project_name"));
      BindText(q, 4, base_.cwd);
      q.Run();
    }
    IndexToolCalls(entry);
    for (const auto& m : ArrayOf(entry, "messages")) {
      if (Str(m, "type") == "assistant") {
        ApplyAssistant(m);
      } else if (Str(m, "type") == "user") {
        ApplyUser(m);
      }
      ++stats_.messages;
    }
    for (const auto& [message_id, calls] : calls_by_message_) {
      stats_.warnings.push_back("session " + sid_ + ": " + std::to_string(calls.size()) +
                                " tool call(s) of message " + message_id +
                                " not in the export, skipped");
    }
    for (const auto& [ts, results] : results_by_time_) {
      stats_.warnings.push_back("session " + sid_ + ": " + std::to_string(results.size()) +
                                " tool result(s) at " + FormatTimestamp(ts) +
                                " without a tool_result message, skipped");
    }
    for (const auto& c : ArrayOf(entry, "compactions")) {
      TranscriptRecord r = base_;
      r.type = RecordType::kSystem;
      r.kind = "compact_boundary";
      r.uuid = Str(c, "id");
      r.timestamp_ms = Time(c, "timestamp");
      r.compact_trigger = Str(c, "trigger");
      if (c.contains("pre_tokens") && c["pre_tokens"].is_number()) {
        r.compact_pre_tokens = c["pre_tokens"].get<int64_t>();
      }
      writer_.Apply(r, ctx_, ++offset_);
    }
    for (const auto& a : ArrayOf(entry, "subagents")) {
      TranscriptRecord r = base_;
      r.type = RecordType::kAgentMeta;
      r.uuid = Str(a, "tool_use_id");
      r.agent_type = Str(a, "agent_type");
      r.agent_description = Str(a, "description");
      if (r.uuid.empty() && r.agent_type.empty() && r.agent_description.empty()) continue;
      FileContext meta = ctx_;
      meta.agent_id = Str(a, "id");
      meta.is_subagent_file = true;
      writer_.Apply(r, meta, ++offset_);
    }
    // Titles by kind when the export has them (ours do), else the shown title as a custom one.
    const json no_titles = json::object();
    auto titles = entry.find("titles");
    const json& t = titles != entry.end() && titles->is_object() ? *titles : no_titles;
    const std::pair<const char*, int> kinds[] = {{"summary", 1}, {"ai", 2}, {"custom", 3}};
    for (const auto& [kind, rank] : kinds) {
      std::string title = t.empty() ? (rank == 3 ? Str(s, "title") : "") : Str(t, kind);
      if (title.empty()) continue;
      TranscriptRecord r = base_;
      r.type = RecordType::kTitle;
      r.title_rank = rank;
      r.title = title;
      writer_.Apply(r, ctx_, ++offset_);
    }
    writer_.Commit();
    RestoreSessionFields(s);
    ++stats_.sessions;
  }

 private:
  void IndexToolCalls(const json& entry) {
    calls_by_message_.clear();
    results_by_time_.clear();
    agent_of_tool_.clear();
    for (const auto& a : ArrayOf(entry, "subagents")) {
      std::string tool = Str(a, "tool_use_id");
      if (!tool.empty()) agent_of_tool_[tool] = Str(a, "id");
    }
    for (const auto& t : ArrayOf(entry, "tool_calls")) {
      ++stats_.tool_calls;
      if (!Str(t, "tool_name").empty()) {
        calls_by_message_[Str(t, "message_id")].push_back(&t);
      }
      auto result_at = Time(t, "result_at");
      if (result_at && t.contains("success") && t["success"].is_boolean()) {
        results_by_time_[*result_at].push_back(&t);
      }
    }
  }

  void ApplyUser(const json& m) {
    TranscriptRecord r = base_;
    r.type = RecordType::kUser;
    r.uuid = Str(m, "id");
    r.parent_uuid = Str(m, "parent_id");
    r.kind = Str(m, "kind");
    r.text = Str(m, "content_text");
    r.timestamp_ms = Time(m, "timestamp");
    r.is_sidechain = Bool(m, "is_sidechain");
    r.agent_id = Str(m, "agent_id");
    if (r.kind == "tool_result" && r.timestamp_ms) {
      // A result's result_at is the time of the line that carried it.
      auto it = results_by_time_.find(*r.timestamp_ms);
      if (it != results_by_time_.end()) {
        for (const json* t : it->second) {
          ToolResultRecord res;
          res.tool_use_id = Str(*t, "id");
          res.is_error = !(*t)["success"].get<bool>();
          res.error = Str(*t, "error");
          if ((*t).contains("duration_ms") && (*t)["duration_ms"].is_number()) {
            res.duration_ms = (*t)["duration_ms"].get<int64_t>();
          }
          res.stdout_preview = Str(*t, "stdout_preview");
          res.stderr_preview = Str(*t, "stderr_preview");
          auto agent = agent_of_tool_.find(res.tool_use_id);
          if (agent != agent_of_tool_.end()) res.agent_id = agent->second;
          r.tool_results.push_back(std::move(res));
        }
        results_by_time_.erase(it);
      }
    }
    writer_.Apply(r, ctx_, ++offset_);
  }

  static ToolUseRecord ToolUseOf(const json& t) {
    ToolUseRecord u;
    u.id = Str(t, "id");
    u.name = Str(t, "tool_name");
    auto input = t.find("input");
    u.input_json = input != t.end() && !input->is_null() ? input->dump() : "{}";
    u.file_path = Str(t, "file_path");
    return u;
  }

  void ApplyAssistant(const json& m) {
    TranscriptRecord r = base_;
    r.type = RecordType::kAssistant;
    r.kind = Str(m, "kind");
    r.message_id = Str(m, "id");
    r.request_id = Str(m, "request_id");
    // Without a request id the writer keys the row by uuid: use the message id for both.
    r.uuid = r.message_id;
    r.parent_uuid = Str(m, "parent_id");
    r.model = Str(m, "model");
    r.text = Str(m, "content_text");
    r.timestamp_ms = Time(m, "timestamp");
    r.is_sidechain = Bool(m, "is_sidechain");
    r.agent_id = Str(m, "agent_id");
    Usage u;
    u.input_tokens = Int(m, "input_tokens");
    u.output_tokens = Int(m, "output_tokens");
    u.cache_read_tokens = Int(m, "cache_read_tokens");
    if (m.contains("cache_write_5m_tokens")) {
      u.cache_write_5m_tokens = Int(m, "cache_write_5m_tokens");
      u.cache_write_1h_tokens = Int(m, "cache_write_1h_tokens");
    } else {
      u.cache_write_5m_tokens = Int(m, "cache_write_tokens");  // a document without the split
    }
    u.web_search_requests = Int(m, "web_search_requests");
    u.fast = Bool(m, "fast");
    u.us_only = Bool(m, "us_only");
    r.usage = u;
    if (m.contains("legacy_cost_usd") && m["legacy_cost_usd"].is_number()) {
      r.legacy_cost_usd = m["legacy_cost_usd"].get<double>();
    }
    // Tool calls keep their own times (and rollup buckets): the calls of one time go on one
    // record; later times ride on usage-less copies of the response, which count nothing else.
    std::map<std::optional<int64_t>, std::vector<ToolUseRecord>> by_time;
    auto calls = calls_by_message_.find(r.message_id);
    if (calls != calls_by_message_.end()) {
      for (const json* t : calls->second)
        by_time[Time(*t, "timestamp")].push_back(ToolUseOf(*t));
      calls_by_message_.erase(calls);
    }
    auto same = by_time.find(r.timestamp_ms);
    if (same != by_time.end()) {
      r.tool_uses = std::move(same->second);
      by_time.erase(same);
    }
    writer_.Apply(r, ctx_, ++offset_);
    for (auto& [ts, uses] : by_time) {
      TranscriptRecord more = base_;
      more.type = RecordType::kAssistant;
      more.kind = r.kind;
      more.message_id = r.message_id;
      more.request_id = r.request_id;
      more.uuid = r.uuid;
      more.model = r.model;
      more.timestamp_ms = ts;
      more.is_sidechain = r.is_sidechain;
      more.agent_id = r.agent_id;
      more.tool_uses = std::move(uses);
      writer_.Apply(more, ctx_, ++offset_);
    }
  }

  void RestoreSessionFields(const json& s) {
    Transaction tx(db_);
    Stmt q(db_,
           "UPDATE sessions SET started_at = coalesce(?2, started_at), "
           "last_activity_at = coalesce(?3, last_activity_at), "
           "ended_at = coalesce(?4, ended_at), notes = ?5 WHERE id = ?1");
    q.Bind(1, sid_)
        .Bind(2, Time(s, "started_at"))
        .Bind(3, Time(s, "last_activity_at"))
        .Bind(4, Time(s, "ended_at"))
        .Bind(5, Str(s, "notes"));
    q.Run();
    Stmt tag(db_,
             "INSERT INTO session_tags(session_id, tag) VALUES(?1, ?2) ON CONFLICT DO NOTHING");
    for (const auto& t : ArrayOf(s, "tags")) {
      if (!t.is_string()) continue;
      tag.Bind(1, sid_).Bind(2, t.get<std::string>());
      tag.Run();
    }
    tx.Commit();
  }

  Db& db_;
  IngestWriter& writer_;
  std::string path_;
  ExportImportStats& stats_;
  std::string sid_;
  TranscriptRecord base_;
  FileContext ctx_;
  int64_t offset_ = 0;
  std::unordered_map<std::string, std::vector<const json*>> calls_by_message_;
  std::map<int64_t, std::vector<const json*>> results_by_time_;
  std::unordered_map<std::string, std::string> agent_of_tool_;
};

}  // namespace

ExportImportStats ImportJsonExport(Db& db, const std::string& path, const PriceBook* prices) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  ExportImportStats stats;
  IngestWriter writer(db, prices);
  SessionImporter importer(db, writer, path, stats);
  bool saw_sessions = false;
  // The document's sessions are the objects at depth 2 (root > "sessions" array > entry): each
  // is applied when complete and then discarded, so only one session is in memory at a time.
  json::parser_callback_t cb = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && depth == 1 && parsed == "sessions") {
      saw_sessions = true;
    }
    if (event == json::parse_event_t::object_end && depth == 2 && parsed.is_object() &&
        parsed.contains("session")) {
      importer.Apply(parsed);
      return false;
    }
    return true;
  };
  json rest;
  try {
    rest = json::parse(in, cb);
  } catch (const json::exception& e) {
    throw std::runtime_error(path + " is not a claudescope JSON export: " + e.what());
  }
  if (!saw_sessions) {
    throw std::runtime_error(path + " is not a claudescope JSON export (no \"sessions\")");
  }
  return stats;
}

}  // namespace cs

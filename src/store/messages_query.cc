#include "store/messages_query.h"

#include <cmath>

#include "core/time.h"
#include "store/preview_codec.h"

namespace cs {

using nlohmann::ordered_json;

const char* const kMessageColumns =
    "m.id, m.session_id, m.parent_id, m.type, m.kind, m.model, m.content_text, m.timestamp, "
    "m.is_sidechain, m.agent_id, m.request_id, m.input_tokens, m.output_tokens, "
    "m.cache_read_tokens, m.cache_write_5m_tokens + m.cache_write_1h_tokens, m.cost_usd";

const char* const kToolCallColumns =
    "t.id, t.session_id, t.message_id, t.tool_name, t.input, t.file_path, t.success, t.error, "
    "t.duration_ms, t.stdout_preview, t.stderr_preview, t.timestamp, t.result_at, "
    "t.is_sidechain, t.agent_id";

const char* const kSubagentColumns =
    "a.id, a.session_id, a.tool_use_id, a.agent_type, a.description, a.started_at, a.ended_at, "
    "a.message_count, a.tool_call_count, "
    "a.input_tokens + a.output_tokens + a.cache_read_tokens + a.cache_write_tokens, a.cost_usd";

double RoundMoney(double usd) {
  return std::round(usd * 1e6) / 1e6;
}

ordered_json TimeOrNull(const Stmt& q, int col) {
  if (q.IsNull(col)) return nullptr;
  return FormatTimestamp(q.Int(col));
}

ordered_json TextOrNull(const Stmt& q, int col) {
  if (q.IsNull(col)) return nullptr;
  return q.Text(col);
}

ordered_json MessageJson(const Stmt& q, int c) {
  ordered_json j;
  j["id"] = q.Text(c);
  j["session_id"] = q.Text(c + 1);
  j["parent_id"] = TextOrNull(q, c + 2);
  j["type"] = q.Text(c + 3);
  j["kind"] = q.Text(c + 4);
  j["model"] = TextOrNull(q, c + 5);
  j["content_text"] = q.Text(c + 6);
  j["timestamp"] = TimeOrNull(q, c + 7);
  j["is_sidechain"] = q.Int(c + 8) != 0;
  j["agent_id"] = TextOrNull(q, c + 9);
  j["request_id"] = TextOrNull(q, c + 10);
  j["input_tokens"] = q.Int(c + 11);
  j["output_tokens"] = q.Int(c + 12);
  j["cache_read_tokens"] = q.Int(c + 13);
  j["cache_write_tokens"] = q.Int(c + 14);
  j["cost_usd"] = RoundMoney(q.Real(c + 15));
  return j;
}

ordered_json ToolCallJson(const Stmt& q, int c) {
  ordered_json j;
  j["id"] = q.Text(c);
  j["session_id"] = q.Text(c + 1);
  j["message_id"] = TextOrNull(q, c + 2);
  j["tool_name"] = TextOrNull(q, c + 3);
  ordered_json input = nullptr;
  if (!q.IsNull(c + 4)) {
    // Stored as the transcript's JSON text; a row that does not parse is shown as null rather
    // than failing the whole list.
    input = ordered_json::parse(q.TextView(c + 4), nullptr, false);
    if (input.is_discarded()) input = nullptr;
  }
  j["input"] = std::move(input);
  j["file_path"] = TextOrNull(q, c + 5);
  j["success"] = q.IsNull(c + 6) ? ordered_json(nullptr) : ordered_json(q.Int(c + 6) != 0);
  j["error"] = TextOrNull(q, c + 7);
  j["duration_ms"] = q.IsNull(c + 8) ? ordered_json(nullptr) : ordered_json(q.Int(c + 8));
  if (q.IsBlob(c + 9))
    j["stdout_preview"] = UnpackPreview(q.BlobView(c + 9));
  else
    j["stdout_preview"] = TextOrNull(q, c + 9);
  j["stderr_preview"] = TextOrNull(q, c + 10);
  j["timestamp"] = TimeOrNull(q, c + 11);
  j["result_at"] = TimeOrNull(q, c + 12);
  j["is_sidechain"] = q.Int(c + 13) != 0;
  j["agent_id"] = TextOrNull(q, c + 14);
  return j;
}

ordered_json SubagentJson(const Stmt& q, int c) {
  ordered_json j;
  j["id"] = q.Text(c);
  j["session_id"] = q.Text(c + 1);
  j["tool_use_id"] = TextOrNull(q, c + 2);
  j["agent_type"] = TextOrNull(q, c + 3);
  j["description"] = TextOrNull(q, c + 4);
  j["started_at"] = TimeOrNull(q, c + 5);
  j["ended_at"] = TimeOrNull(q, c + 6);
  j["message_count"] = q.Int(c + 7);
  j["tool_call_count"] = q.Int(c + 8);
  j["total_tokens"] = q.Int(c + 9);
  j["estimated_cost_usd"] = RoundMoney(q.Real(c + 10));
  return j;
}

void SqlConditions::Add(std::string fragment, std::vector<Value> values) {
  fragments_.push_back(std::move(fragment));
  for (auto& v : values)
    values_.push_back(std::move(v));
}

std::string SqlConditions::Where() const {
  std::string out;
  for (const auto& f : fragments_) {
    out += out.empty() ? " WHERE (" : " AND (";
    out += f;
    out += ')';
  }
  return out;
}

int SqlConditions::Bind(Stmt& q, int first) const {
  for (const auto& v : values_) {
    if (const auto* i = std::get_if<int64_t>(&v)) {
      q.Bind(first++, *i);
    } else {
      q.Bind(first++, std::get<std::string>(v));
    }
  }
  return first;
}

void AddProjectCondition(SqlConditions& where, const std::string& project) {
  where.Add(
      "s.project_path = ? OR (NOT EXISTS (SELECT 1 FROM sessions p WHERE p.project_path = ?) "
      "AND s.project_name = ?)",
      {project, project, project});
}

void AddModelCondition(SqlConditions& where, const std::string& session_id_column,
                       const std::string& model) {
  where.Add(session_id_column +
                " IN (SELECT session_id FROM usage_rollup WHERE model = ? AND model != '' AND "
                "assistant_messages > 0)",
            {model});
}

namespace {

// Runs `SELECT count(*) FROM <from><where>` and the page query in one read snapshot.
ordered_json Page(Db& db, const char* list_key, const std::string& select_from,
                  const std::string& count_from, const SqlConditions& where,
                  const std::string& order_by, const ListPage& page,
                  ordered_json (*row)(const Stmt&, int)) {
  Transaction snapshot(db, /*immediate=*/false);
  int64_t total = 0;
  {
    Stmt q(db, "SELECT count(*) FROM " + count_from + where.Where());
    where.Bind(q);
    if (q.Step()) total = q.Int(0);
  }
  ordered_json list = ordered_json::array();
  {
    Stmt q(db, select_from + where.Where() + " ORDER BY " + order_by + " LIMIT ? OFFSET ?");
    int next = where.Bind(q);
    q.Bind(next, page.limit).Bind(next + 1, page.offset);
    while (q.Step())
      list.push_back(row(q, 0));
  }
  ordered_json out;
  out[list_key] = std::move(list);
  out["total"] = total;
  out["limit"] = page.limit;
  out["offset"] = page.offset;
  return out;
}

std::string Dir(const ListPage& p) {
  return p.descending ? " DESC" : " ASC";
}

}  // namespace

ordered_json ListMessages(Db& db, const MessageListFilter& f) {
  SqlConditions where;
  if (f.session_id) where.Add("m.session_id = ?", {*f.session_id});
  if (f.type) where.Add("m.type = ?", {*f.type});
  const std::string d = Dir(f.page);
  return Page(db, "messages", std::string("SELECT ") + kMessageColumns + " FROM messages m",
              "messages m", where, "m.timestamp" + d + ", m.rowid" + d, f.page, MessageJson);
}

ordered_json ListToolCalls(Db& db, const ToolCallListFilter& f) {
  SqlConditions where;
  where.Add("t.tool_name IS NOT NULL");
  if (f.session_id) where.Add("t.session_id = ?", {*f.session_id});
  if (f.tool_name) where.Add("t.tool_name = ?", {*f.tool_name});
  if (f.success) where.Add("t.success = ?", {int64_t(*f.success ? 1 : 0)});
  const std::string d = Dir(f.page);
  return Page(db, "tool_calls", std::string("SELECT ") + kToolCallColumns + " FROM tool_calls t",
              "tool_calls t", where, "t.timestamp" + d + ", t.id" + d, f.page, ToolCallJson);
}

ordered_json ListSubagents(Db& db, const SubagentListFilter& f) {
  SqlConditions where;
  std::string from = "subagents a";
  if (f.session_id) where.Add("a.session_id = ?", {*f.session_id});
  if (f.project) {
    from += " JOIN sessions s ON s.id = a.session_id";
    AddProjectCondition(where, *f.project);
  }
  if (f.model) AddModelCondition(where, "a.session_id", *f.model);  // as the session list's
  if (f.from_ms) where.Add("a.started_at >= ?", {*f.from_ms});
  if (f.to_ms) where.Add("a.started_at < ?", {*f.to_ms});
  const std::string d = Dir(f.page);
  return Page(db, "subagents", std::string("SELECT ") + kSubagentColumns + " FROM " + from, from,
              where, "a.started_at" + d + ", a.session_id" + d + ", a.id" + d, f.page,
              SubagentJson);
}

}  // namespace cs

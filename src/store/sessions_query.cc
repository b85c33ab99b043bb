#include "store/sessions_query.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/errors.h"
#include "core/time.h"
#include "store/search_query.h"

namespace cs {

using nlohmann::ordered_json;

namespace {

// Columns of a Session row (alias `s`), in the order SessionJson reads them.
const char* const kSessionColumns = R"SQL(
  s.id, s.project_path, s.project_name, s.cwd, s.git_branch,
  coalesce(nullif(s.custom_title, ''), nullif(s.ai_title, ''), nullif(s.summary_title, '')),
  s.first_prompt, s.started_at, s.ended_at, s.last_activity_at, s.claude_version,
  s.entry_point, s.permission_mode, s.message_count, s.user_prompt_count, s.tool_call_count,
  s.tool_error_count, s.subagent_count, s.compaction_count, s.api_error_count, s.input_tokens,
  s.output_tokens, s.cache_read_tokens, s.cache_write_5m_tokens, s.cache_write_1h_tokens,
  s.cost_usd, s.notes,
  (SELECT group_concat(tag, char(31)) FROM
     (SELECT g.tag FROM session_tags g WHERE g.session_id = s.id ORDER BY g.tag)),
  (SELECT count(*) FROM commits c WHERE c.session_id = s.id))SQL";

// The duration in ms, as SQL: from the start to the later of the end and the last activity.
const char* const kDurationSql =
    "(max(coalesce(s.ended_at, s.last_activity_at, s.started_at), "
    "coalesce(s.last_activity_at, s.started_at)) - s.started_at)";

const char* const kTotalTokensSql =
    "(s.input_tokens + s.output_tokens + s.cache_read_tokens + s.cache_write_5m_tokens + "
    "s.cache_write_1h_tokens)";

std::vector<std::string> SplitUnitSep(const std::string& joined) {
  std::vector<std::string> out;
  if (joined.empty()) return out;
  std::size_t pos = 0;
  while (true) {
    std::size_t next = joined.find('\x1f', pos);
    out.push_back(joined.substr(pos, next == std::string::npos ? next : next - pos));
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return out;
}

ordered_json OptInt(const Stmt& q, int col) {
  return q.IsNull(col) ? ordered_json(nullptr) : ordered_json(q.Int(col));
}

std::optional<double> DurationSeconds(const Stmt& q, int started, int ended, int last) {
  if (q.IsNull(started)) return std::nullopt;
  int64_t start = q.Int(started);
  int64_t end = start;
  if (!q.IsNull(last)) end = std::max(end, q.Int(last));
  if (!q.IsNull(ended)) end = std::max(end, q.Int(ended));
  return double(end - start) / 1000.0;
}

ordered_json SessionJson(const Stmt& q, const SessionClock& clock,
                         const std::vector<std::string>& models) {
  ordered_json j;
  j["id"] = q.Text(0);
  j["project_path"] = q.Text(1);
  j["project_name"] = q.Text(2);
  j["cwd"] = TextOrNull(q, 3);
  j["git_branch"] = TextOrNull(q, 4);
  j["title"] = TextOrNull(q, 5);
  j["first_prompt"] = TextOrNull(q, 6);
  j["started_at"] = TimeOrNull(q, 7);
  j["ended_at"] = TimeOrNull(q, 8);
  j["last_activity_at"] = TimeOrNull(q, 9);
  auto duration = DurationSeconds(q, 7, 8, 9);
  j["duration_seconds"] = duration ? ordered_json(*duration) : ordered_json(nullptr);
  j["is_active"] = q.IsNull(8) && !q.IsNull(9) && q.Int(9) >= clock.now_ms - clock.active_window_ms;
  j["claude_version"] = TextOrNull(q, 10);
  j["entry_point"] = TextOrNull(q, 11);
  j["permission_mode"] = TextOrNull(q, 12);
  j["models"] = models;
  j["message_count"] = q.Int(13);
  j["user_prompt_count"] = q.Int(14);
  j["tool_call_count"] = q.Int(15);
  j["tool_error_count"] = q.Int(16);
  j["subagent_count"] = q.Int(17);
  j["compaction_count"] = q.Int(18);
  j["api_error_count"] = q.Int(19);
  const int64_t input = q.Int(20), output = q.Int(21), cache_read = q.Int(22), cw5 = q.Int(23),
                cw1h = q.Int(24);
  j["input_tokens"] = input;
  j["output_tokens"] = output;
  j["cache_read_tokens"] = cache_read;
  j["cache_write_5m_tokens"] = cw5;
  j["cache_write_1h_tokens"] = cw1h;
  j["cache_write_tokens"] = cw5 + cw1h;
  j["total_tokens"] = input + output + cache_read + cw5 + cw1h;
  const double cost = q.Real(25);
  j["estimated_cost_usd"] = RoundMoney(cost);
  j["notes"] = q.Text(26);
  j["tags"] = SplitUnitSep(q.IsNull(27) ? std::string() : q.Text(27));
  const int64_t commits = q.Int(28);
  j["commits"] = commits;
  j["cost_per_commit"] =
      commits > 0 ? ordered_json(RoundMoney(cost / double(commits))) : ordered_json(nullptr);
  return j;
}

// The models each of `ids` used: distinct rollup models with at least one counted assistant
// response, sorted. One pass over usage_rollup for the whole page, because its key does not
// start with session_id (a per-session subquery would scan it once per row).
std::map<std::string, std::vector<std::string>> ModelsOf(Db& db,
                                                         const std::vector<std::string>& ids) {
  std::map<std::string, std::vector<std::string>> out;
  if (ids.empty()) return out;
  Stmt q(db,
         "SELECT DISTINCT session_id, model FROM usage_rollup WHERE model != '' AND "
         "assistant_messages > 0 AND session_id IN (SELECT value FROM json_each(?1)) "
         "ORDER BY session_id, model");
  q.Bind(1, nlohmann::json(ids).dump());
  while (q.Step())
    out[q.Text(0)].push_back(q.Text(1));
  return out;
}

void RequireSession(Db& db, const std::string& id) {
  Stmt q(db, "SELECT 1 FROM sessions WHERE id = ?1");
  q.Bind(1, id);
  if (!q.Step()) throw RequestError::NotFound("session " + id + " not found");
}

const char* SortSql(SessionSort s) {
  switch (s) {
    case SessionSort::kStartedAt:
      return "s.started_at";
    case SessionSort::kLastActivity:
      return "s.last_activity_at";
    case SessionSort::kCost:
      return "s.cost_usd";
    case SessionSort::kTokens:
      return kTotalTokensSql;
    case SessionSort::kDuration:
      return kDurationSql;
    case SessionSort::kToolCalls:
      return "s.tool_call_count";
  }
  return "s.started_at";
}

std::string Preview(const std::string& text) {
  // Cut on a code point boundary: continuation bytes are 10xxxxxx.
  std::size_t chars = 0, i = 0;
  while (i < text.size()) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (chars == std::size_t(kTimelinePreviewChars)) break;
      ++chars;
    }
    ++i;
  }
  return text.substr(0, i);
}

std::size_t Utf8Chars(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80;
  return n;
}

std::string Trim(const std::string& s) {
  const char* ws = " \t\n\r\f\v";
  auto b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace

std::optional<SessionSort> ParseSessionSort(std::string_view name) {
  if (name == "started_at") return SessionSort::kStartedAt;
  if (name == "last_activity_at") return SessionSort::kLastActivity;
  if (name == "cost") return SessionSort::kCost;
  if (name == "tokens") return SessionSort::kTokens;
  if (name == "duration") return SessionSort::kDuration;
  if (name == "tool_calls") return SessionSort::kToolCalls;
  return std::nullopt;
}

ordered_json ListSessions(Db& db, const SessionListFilter& f, const SessionClock& clock) {
  SqlConditions where;
  if (f.project) AddProjectCondition(where, *f.project);
  if (f.from_ms) where.Add("coalesce(s.last_activity_at, s.started_at) >= ?", {*f.from_ms});
  if (f.to_ms) where.Add("coalesce(s.started_at, s.last_activity_at) < ?", {*f.to_ms});
  // Exactly the sessions whose models[] contains it.
  if (f.model) AddModelCondition(where, "s.id", *f.model);
  if (f.tag) where.Add("s.id IN (SELECT session_id FROM session_tags WHERE tag = ?)", {*f.tag});
  if (f.active) {
    where.Add(*f.active ? "s.ended_at IS NULL AND s.last_activity_at >= ?"
                        : "NOT (s.ended_at IS NULL AND coalesce(s.last_activity_at >= ?, 0))",
              {clock.now_ms - clock.active_window_ms});
  }
  if (f.search) {
    std::string match = BuildFtsMatch(*f.search, "search");
    if (match.empty()) {
      where.Add("0");
    } else {
      where.Add(
          "s.id IN (SELECT m.session_id FROM messages_fts JOIN messages m "
          "ON m.rowid = messages_fts.rowid WHERE messages_fts MATCH ?)",
          {match});
    }
  }
  const std::string dir = f.page.descending ? " DESC" : " ASC";
  try {
    Transaction snapshot(db, /*immediate=*/false);
    ordered_json out;
    int64_t total = 0;
    {
      Stmt q(db, "SELECT count(*) FROM sessions s" + where.Where());
      where.Bind(q);
      if (q.Step()) total = q.Int(0);
    }
    Stmt q(db, std::string("SELECT ") + kSessionColumns + " FROM sessions s" + where.Where() +
                   " ORDER BY " + SortSql(f.sort) + dir + ", s.id ASC LIMIT ? OFFSET ?");
    int next = where.Bind(q);
    q.Bind(next, f.page.limit).Bind(next + 1, f.page.offset);
    std::vector<std::string> ids;
    std::vector<ordered_json> rows;
    while (q.Step()) {
      rows.push_back(SessionJson(q, clock, {}));
      ids.push_back(q.Text(0));
    }
    auto models = ModelsOf(db, ids);
    ordered_json list = ordered_json::array();
    for (auto& row : rows) {
      auto it = models.find(row["id"].get<std::string>());
      if (it != models.end()) row["models"] = it->second;
      list.push_back(std::move(row));
    }
    out["sessions"] = std::move(list);
    out["total"] = total;
    out["limit"] = f.page.limit;
    out["offset"] = f.page.offset;
    return out;
  } catch (const DbError&) {
    // Only the FTS expression comes from the user; anything else is a real fault.
    if (f.search) {
      throw RequestError::BadParam("search",
                                   "search could not be run; use plain words and \"phrases\"");
    }
    throw;
  }
}

ordered_json GetSession(Db& db, const std::string& id, const SessionClock& clock) {
  Stmt q(db, std::string("SELECT ") + kSessionColumns + " FROM sessions s WHERE s.id = ?1");
  q.Bind(1, id);
  if (!q.Step()) throw RequestError::NotFound("session " + id + " not found");
  auto models = ModelsOf(db, {id});
  return SessionJson(q, clock, models[id]);
}

ordered_json SessionDetail(Db& db, const std::string& id, const SessionClock& clock,
                           const SessionDetailPage& page) {
  Transaction snapshot(db, /*immediate=*/false);
  ordered_json out;
  out["session"] = GetSession(db, id, clock);
  ordered_json messages = ordered_json::array();
  {
    Stmt q(db, std::string("SELECT ") + kMessageColumns +
                   " FROM messages m WHERE m.session_id = ?1 ORDER BY m.timestamp, m.rowid "
                   "LIMIT ?2 OFFSET ?3");
    q.Bind(1, id).Bind(2, page.messages_limit.value_or(-1)).Bind(3, page.messages_offset);
    while (q.Step())
      messages.push_back(MessageJson(q));
  }
  out["messages"] = std::move(messages);
  {
    Stmt q(db, "SELECT count(*) FROM messages WHERE session_id = ?1");
    q.Bind(1, id);
    q.Step();
    out["messages_total"] = q.Int(0);
  }
  ordered_json tools = ordered_json::array();
  {
    Stmt q(db, std::string("SELECT ") + kToolCallColumns +
                   " FROM tool_calls t WHERE t.session_id = ?1 AND t.tool_name IS NOT NULL "
                   "ORDER BY t.timestamp, t.id");
    q.Bind(1, id);
    while (q.Step())
      tools.push_back(ToolCallJson(q));
  }
  out["tool_calls"] = std::move(tools);
  ordered_json agents = ordered_json::array();
  {
    Stmt q(db, std::string("SELECT ") + kSubagentColumns +
                   " FROM subagents a WHERE a.session_id = ?1 ORDER BY a.started_at, a.id");
    q.Bind(1, id);
    while (q.Step())
      agents.push_back(SubagentJson(q));
  }
  out["subagents"] = std::move(agents);
  ordered_json compactions = ordered_json::array();
  {
    Stmt q(db,
           "SELECT id, timestamp, trigger, pre_tokens FROM compactions WHERE session_id = ?1 "
           "ORDER BY timestamp, id");
    q.Bind(1, id);
    while (q.Step()) {
      compactions.push_back({{"id", q.Text(0)},
                             {"timestamp", TimeOrNull(q, 1)},
                             {"trigger", TextOrNull(q, 2)},
                             {"pre_tokens", OptInt(q, 3)}});
    }
  }
  out["compactions"] = std::move(compactions);
  return out;
}

SessionPatch ParseSessionPatch(const nlohmann::json& body) {
  if (!body.is_object()) {
    throw RequestError::BadParam("body", "the body must be a JSON object with notes and/or tags");
  }
  SessionPatch p;
  for (const auto& [key, value] : body.items()) {
    if (key == "notes") {
      if (value.is_null()) {
        p.notes = "";
      } else if (value.is_string()) {
        p.notes = value.get<std::string>();
        if (p.notes->size() > kMaxNotesBytes) {
          throw RequestError::BadParam(
              "notes", "notes must be at most " + std::to_string(kMaxNotesBytes) + " bytes");
        }
      } else {
        throw RequestError::BadParam("notes", "notes must be a string");
      }
    } else if (key == "tags") {
      std::vector<std::string> tags;
      if (!value.is_null() && !value.is_array()) {
        throw RequestError::BadParam("tags", "tags must be an array of strings");
      }
      std::set<std::string> seen;
      if (value.is_array()) {
        for (const auto& t : value) {
          if (!t.is_string())
            throw RequestError::BadParam("tags", "tags must be an array of strings");
          std::string tag = Trim(t.get<std::string>());
          if (tag.empty() || !seen.insert(tag).second) continue;
          if (Utf8Chars(tag) > kMaxTagChars) {
            throw RequestError::BadParam(
                "tags", "each tag must be at most " + std::to_string(kMaxTagChars) + " characters");
          }
          tags.push_back(std::move(tag));
        }
      }
      if (tags.size() > kMaxTags) {
        throw RequestError::BadParam("tags",
                                     "at most " + std::to_string(kMaxTags) + " tags per session");
      }
      p.tags = std::move(tags);
    } else {
      throw RequestError::BadParam(key, key + " is not a field of a session update (notes, tags)");
    }
  }
  return p;
}

ordered_json UpdateSession(Db& db, const std::string& id, const SessionPatch& patch,
                           const SessionClock& clock) {
  Transaction tx(db);
  RequireSession(db, id);
  if (patch.notes) {
    Stmt q(db, "UPDATE sessions SET notes = ?2 WHERE id = ?1");
    q.Bind(1, id).Bind(2, *patch.notes);
    q.Run();
  }
  if (patch.tags) {
    Stmt del(db, "DELETE FROM session_tags WHERE session_id = ?1");
    del.Bind(1, id);
    del.Run();
    Stmt ins(db, "INSERT OR IGNORE INTO session_tags(session_id, tag) VALUES(?1, ?2)");
    for (const auto& tag : *patch.tags) {
      ins.Bind(1, id).Bind(2, tag);
      ins.Run();
    }
  }
  ordered_json session = GetSession(db, id, clock);
  tx.Commit();
  return session;
}

ordered_json SessionTimeline(Db& db, const std::string& id, const SessionClock& clock) {
  Transaction snapshot(db, /*immediate=*/false);
  ordered_json session = GetSession(db, id, clock);
  struct Event {
    std::optional<int64_t> ts;
    int type_rank;
    std::size_t seq;
    ordered_json json;
  };
  std::vector<Event> events;
  auto add = [&](const Stmt& q, int ts_col, int rank, const char* type, ordered_json fields) {
    ordered_json e;
    e["timestamp"] = TimeOrNull(q, ts_col);
    e["type"] = type;
    for (auto& [k, v] : fields.items())
      e[k] = std::move(v);
    events.push_back(Event{q.IsNull(ts_col) ? std::nullopt : std::optional<int64_t>(q.Int(ts_col)),
                           rank, events.size(), std::move(e)});
  };
  {
    Stmt q(db, R"SQL(
SELECT m.id, m.type, m.kind, m.model, substr(m.content_text, 1, ?2), m.timestamp, m.is_sidechain,
  m.agent_id, m.input_tokens + m.output_tokens + m.cache_read_tokens + m.cache_write_5m_tokens +
  m.cache_write_1h_tokens, m.cost_usd
FROM messages m
WHERE m.session_id = ?1 AND ((m.type = 'user' AND m.kind IN ('prompt', 'command')) OR
  (m.type = 'assistant' AND m.kind IN ('response', 'api_error')))
ORDER BY m.timestamp, m.rowid)SQL");
    q.Bind(1, id).Bind(2, kTimelinePreviewChars);
    while (q.Step()) {
      const std::string type = q.Text(1), kind = q.Text(2);
      ordered_json f;
      f["id"] = q.Text(0);
      if (type == "user") {
        f["kind"] = kind;
        f["preview"] = Preview(q.Text(4));
      } else if (kind == "response") {
        f["model"] = TextOrNull(q, 3);
        f["preview"] = Preview(q.Text(4));
        f["tokens"] = q.Int(8);
        f["cost_usd"] = RoundMoney(q.Real(9));
      } else {
        f["preview"] = Preview(q.Text(4));
      }
      f["is_sidechain"] = q.Int(6) != 0;
      f["agent_id"] = TextOrNull(q, 7);
      const char* ev = type == "user"       ? "user_message"
                       : kind == "response" ? "assistant_message"
                                            : "api_error";
      add(q, 5, type == "user" ? 0 : (kind == "response" ? 1 : 6), ev, std::move(f));
    }
  }
  {
    Stmt q(db, R"SQL(
SELECT t.id, t.tool_name, t.success, t.duration_ms, t.file_path, t.error, t.timestamp,
  t.is_sidechain, t.agent_id
FROM tool_calls t WHERE t.session_id = ?1 AND t.tool_name IS NOT NULL
ORDER BY t.timestamp, t.id)SQL");
    q.Bind(1, id);
    while (q.Step()) {
      ordered_json f;
      f["id"] = q.Text(0);
      f["tool"] = q.Text(1);
      f["success"] = q.IsNull(2) ? ordered_json(nullptr) : ordered_json(q.Int(2) != 0);
      f["duration_ms"] = OptInt(q, 3);
      f["file_path"] = TextOrNull(q, 4);
      f["error"] = q.IsNull(5) ? ordered_json(nullptr) : ordered_json(Preview(q.Text(5)));
      f["is_sidechain"] = q.Int(7) != 0;
      f["agent_id"] = TextOrNull(q, 8);
      add(q, 6, 2, "tool_call", std::move(f));
    }
  }
  {
    Stmt q(db, R"SQL(
SELECT a.id, a.agent_type, a.description, a.started_at, a.ended_at, a.message_count,
  a.input_tokens + a.output_tokens + a.cache_read_tokens + a.cache_write_tokens, a.cost_usd
FROM subagents a WHERE a.session_id = ?1 ORDER BY a.started_at, a.id)SQL");
    q.Bind(1, id);
    while (q.Step()) {
      ordered_json f;
      f["id"] = q.Text(0);
      f["agent_type"] = TextOrNull(q, 1);
      f["description"] = TextOrNull(q, 2);
      f["ended_at"] = TimeOrNull(q, 4);
      f["message_count"] = q.Int(5);
      f["tokens"] = q.Int(6);
      f["cost_usd"] = RoundMoney(q.Real(7));
      add(q, 3, 3, "agent_spawn", std::move(f));
    }
  }
  {
    Stmt q(db,
           "SELECT id, trigger, pre_tokens, timestamp FROM compactions WHERE session_id = ?1 "
           "ORDER BY timestamp, id");
    q.Bind(1, id);
    while (q.Step()) {
      ordered_json f;
      f["id"] = q.Text(0);
      f["trigger"] = TextOrNull(q, 1);
      f["pre_tokens"] = OptInt(q, 2);
      add(q, 3, 4, "compaction", std::move(f));
    }
  }
  {
    Stmt q(db,
           "SELECT event, tool_use_id, timestamp FROM hook_events WHERE session_id = ?1 "
           "ORDER BY timestamp, id");
    q.Bind(1, id);
    while (q.Step()) {
      ordered_json f;
      f["event"] = q.Text(0);
      f["tool_use_id"] = TextOrNull(q, 1);
      add(q, 2, 5, "hook", std::move(f));
    }
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.ts.has_value() != b.ts.has_value()) return a.ts.has_value();
    if (a.ts != b.ts) return *a.ts < *b.ts;
    if (a.type_rank != b.type_rank) return a.type_rank < b.type_rank;
    return a.seq < b.seq;
  });
  ordered_json out;
  out["events"] = ordered_json::array();
  for (auto& e : events)
    out["events"].push_back(std::move(e.json));
  out["duration_seconds"] = session["duration_seconds"];
  out["total_tokens"] = session["total_tokens"];
  return out;
}

ordered_json SessionCommits(Db& db, const std::string& id) {
  Transaction snapshot(db, /*immediate=*/false);
  RequireSession(db, id);
  Stmt q(db, R"SQL(
SELECT hash, message, author, committed_at, files_changed, insertions, deletions, repo_path
FROM commits WHERE session_id = ?1 ORDER BY committed_at, repo_path, hash)SQL");
  q.Bind(1, id);
  ordered_json list = ordered_json::array();
  while (q.Step()) {
    ordered_json c;
    c["hash"] = q.Text(0);
    c["message"] = TextOrNull(q, 1);
    c["author"] = TextOrNull(q, 2);
    c["committed_at"] = TimeOrNull(q, 3);
    c["files_changed"] = OptInt(q, 4);
    c["insertions"] = OptInt(q, 5);
    c["deletions"] = OptInt(q, 6);
    c["repo_path"] = q.Text(7);
    list.push_back(std::move(c));
  }
  ordered_json out;
  out["commits"] = std::move(list);
  return out;
}

}  // namespace cs

#include "ingest/hook_events.h"

#include "core/time.h"

namespace cs {

using nlohmann::json;

namespace {

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The task events of the contract: Claude Code's TaskCreated / TaskCompleted, and TodoWrite
// calls (a to-do list update).
void DeriveTaskEvents(const json& e, const std::string& name, std::vector<json>& out) {
  json t;
  if (name == "TaskCreated") {
    t["hook_event_name"] = "TaskStart";
  } else if (name == "TaskCompleted") {
    t["hook_event_name"] = "TaskComplete";
  } else if ((name == "PostToolUse" || name == "PreToolUse") &&
             Str(e, "tool_name") == "TodoWrite") {
    if (name == "PreToolUse") return;
    t["hook_event_name"] = "TaskUpdate";
    if (auto it = e.find("tool_input"); it != e.end() && it->is_object() && it->contains("todos")) {
      t["todos"] = (*it)["todos"];
    }
  } else {
    return;
  }
  for (const char* k : {"session_id", "timestamp", "task_id", "task_subject", "task_description",
                        "teammate_name", "team_name", "agent_id"}) {
    if (e.contains(k)) t[k] = e[k];
  }
  out.push_back(std::move(t));
}

}  // namespace

std::vector<json> ApplyHookEvents(Db& db, const std::vector<ReceivedHookEvent>& events,
                                  int64_t* rejected) {
  std::vector<json> out;
  if (events.empty()) return out;
  Transaction tx(db);
  Stmt insert(db,
              "INSERT INTO hook_events(session_id, event, timestamp, tool_use_id, payload) "
              "VALUES(?1, ?2, ?3, ?4, ?5)");
  Stmt end(db,
           "UPDATE sessions SET ended_at=?2, end_reason=?3 WHERE id=?1 AND "
           "(ended_at IS NULL OR ended_at < ?2)");
  Stmt duration(db, "UPDATE tool_calls SET duration_ms=?2 WHERE id=?1");
  for (const auto& ev : events) {
    json e = json::parse(ev.json, nullptr, false);
    if (!e.is_object()) {
      if (rejected) ++*rejected;
      continue;
    }
    std::string name = Str(e, "hook_event_name");
    if (name.empty()) name = "Unknown";
    std::string sid = Str(e, "session_id");
    std::string tool_use = Str(e, "tool_use_id");
    insert.Bind(1, sid.empty() ? std::optional<std::string>() : sid)
        .Bind(2, name)
        .Bind(3, ev.received_ms)
        .Bind(4, tool_use.empty() ? std::optional<std::string>() : tool_use)
        .Bind(5, ev.json);
    insert.Run();
    if (name == "SessionEnd" && !sid.empty()) {
      end.Bind(1, sid).Bind(2, ev.received_ms).Bind(3, Str(e, "reason"));
      end.Run();
    }
    if ((name == "PostToolUse" || name == "PostToolUseFailure") && !tool_use.empty()) {
      if (auto it = e.find("duration_ms"); it != e.end() && it->is_number()) {
        duration.Bind(1, tool_use).Bind(2, it->get<int64_t>());
        duration.Run();
      }
    }
    e["hook_event_name"] = name;
    e["timestamp"] = FormatTimestamp(ev.received_ms);
    e.erase("received_at");
    std::vector<json> derived;
    DeriveTaskEvents(e, name, derived);
    out.push_back(std::move(e));
    for (auto& d : derived)
      out.push_back(std::move(d));
  }
  db.Exec("DELETE FROM hook_events WHERE id <= (SELECT max(id) FROM hook_events) - " +
          std::to_string(kHookEventsKept));
  tx.Commit();
  return out;
}

void ReconcileHookFacts(Db& db, const std::vector<std::string>& session_ids) {
  if (session_ids.empty()) return;
  Stmt end(db, R"SQL(UPDATE sessions SET
  ended_at = (SELECT max(timestamp) FROM hook_events h WHERE h.session_id = sessions.id
              AND h.event = 'SessionEnd'),
  end_reason = (SELECT json_extract(payload, '$.reason') FROM hook_events h
                WHERE h.session_id = sessions.id AND h.event = 'SessionEnd'
                ORDER BY timestamp DESC LIMIT 1)
WHERE id = ?1 AND ended_at IS NULL AND EXISTS (SELECT 1 FROM hook_events h
  WHERE h.session_id = ?1 AND h.event = 'SessionEnd'))SQL");
  Stmt durations(db, R"SQL(UPDATE tool_calls SET duration_ms = (
  SELECT json_extract(payload, '$.duration_ms') FROM hook_events h
  WHERE h.tool_use_id = tool_calls.id AND h.event IN ('PostToolUse', 'PostToolUseFailure')
    AND json_extract(payload, '$.duration_ms') IS NOT NULL ORDER BY id DESC LIMIT 1)
WHERE session_id = ?1 AND duration_ms IS NULL AND id IN (SELECT tool_use_id FROM hook_events
  WHERE session_id = ?1 AND tool_use_id IS NOT NULL))SQL");
  for (const auto& id : session_ids) {
    end.Bind(1, id);
    end.Run();
    durations.Bind(1, id);
    durations.Run();
  }
}

}  // namespace cs

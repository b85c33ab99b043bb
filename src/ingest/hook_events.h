// Hook events: what Claude Code's hooks tell the server (through `claudescope hook` or
// POST /api/hooks), stored and turned into the live stream's events.
//
// Contract: ApplyHookEvents runs on the write connection inside one transaction of its own.
// Every event is kept in hook_events (the newest kHookEventsKept; older ones are pruned) and
// the facts transcripts lack are applied: SessionEnd (ended_at, end_reason) and tool durations
// from PostToolUse/PostToolUseFailure. An event for a session the transcripts have not shown
// yet creates no session row: ReconcileHookFacts applies the kept facts when it appears.
// Unknown event names are kept and forwarded like the others. Returns, in order, the events
// to broadcast: each hook event as received (plus `timestamp`, the server receive time) and
// the task events the contract derives from it (TaskStart, TaskUpdate, TaskComplete).
// Invalid input (not a JSON object) is dropped and counted in *rejected, never thrown.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "store/db.h"

namespace cs {

inline constexpr int64_t kHookEventsKept = 200000;

struct ReceivedHookEvent {
  std::string json;  // the document as received
  int64_t received_ms;
};

std::vector<nlohmann::json> ApplyHookEvents(Db& db, const std::vector<ReceivedHookEvent>& events,
                                            int64_t* rejected = nullptr);

// Applies kept SessionEnd facts and tool durations to the given sessions (called after
// transcript ingest created or extended them).
void ReconcileHookFacts(Db& db, const std::vector<std::string>& session_ids);

}  // namespace cs

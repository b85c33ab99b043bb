// Sessions as the API exposes them (docs/api-contract.md sections 2 and 3): the filtered,
// sorted, paged list; one session with all its rows; its timeline and commits; and the
// notes/tags update.
//
// Contract: every function takes the connection to use (a reader, or the writer for
// UpdateSession) and is thread-compatible. An unknown session id throws RequestError 404; a bad
// filter or body value throws RequestError 400 naming the field. Lists are counted and read in
// one snapshot. Times are RFC 3339 UTC strings or null, money is rounded to 6 decimals.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"
#include "store/messages_query.h"

namespace cs {

// What `is_active` and `active=true` compare with: a session is active when it has no end and
// its last activity is at or after now - window.
struct SessionClock {
  int64_t now_ms = 0;
  int64_t active_window_ms = 15 * 60 * 1000;
};

enum class SessionSort { kStartedAt, kLastActivity, kCost, kTokens, kDuration, kToolCalls };
// started_at | last_activity_at | cost | tokens | duration | tool_calls.
std::optional<SessionSort> ParseSessionSort(std::string_view name);

struct SessionListFilter {
  std::optional<std::string> project;  // exact project_path, else project name
  std::optional<std::string> model;    // sessions whose models[] holds it
  std::optional<std::string> search;   // plain words / "phrases" over the session's messages
  std::optional<std::string> tag;
  std::optional<int64_t> from_ms;  // had activity at or after (last_activity_at >= from)
  std::optional<int64_t> to_ms;    // had activity before (started_at < to), exclusive
  std::optional<bool> active;      // true: only active sessions; false: only inactive ones
  SessionSort sort = SessionSort::kStartedAt;
  ListPage page{50, 0, true};
};

// {"sessions":[Session], "total", "limit", "offset"}; ordered by the sort key in the requested
// direction, ties by id ascending. Session has exactly the contract's fields plus `commits`
// (linked commit count) and `cost_per_commit` (null without commits).
nlohmann::ordered_json ListSessions(Db& db, const SessionListFilter& f, const SessionClock& clock);

// One Session object.
nlohmann::ordered_json GetSession(Db& db, const std::string& id, const SessionClock& clock);

struct SessionDetailPage {
  std::optional<int64_t> messages_limit;  // nullopt: all messages
  int64_t messages_offset = 0;
};
// {session, messages[], messages_total, tool_calls[], subagents[], compactions[]}, each list in
// time order (ties by rowid / id). compactions: {id, timestamp, trigger, pre_tokens}.
nlohmann::ordered_json SessionDetail(Db& db, const std::string& id, const SessionClock& clock,
                                     const SessionDetailPage& page);

// The PATCH body, validated: notes replaces the notes (null clears them); tags replaces the
// whole tag set (null or [] clears it) after trimming, dropping empty tags and duplicates.
struct SessionPatch {
  std::optional<std::string> notes;
  std::optional<std::vector<std::string>> tags;
};
inline constexpr std::size_t kMaxTagChars = 64;
inline constexpr std::size_t kMaxTags = 100;
inline constexpr std::size_t kMaxNotesBytes = 64 * 1024;
// Throws RequestError 400 naming the field for a non-object body, an unknown field, a wrong
// type, a tag longer than kMaxTagChars characters, too many tags or too long notes.
SessionPatch ParseSessionPatch(const nlohmann::json& body);
// Applies the patch in one transaction on the write connection; returns the updated Session.
nlohmann::ordered_json UpdateSession(Db& db, const std::string& id, const SessionPatch& patch,
                                     const SessionClock& clock);

// {"events":[...], "duration_seconds", "total_tokens"}. Events are sorted by timestamp (events
// without a time last), then by type, then by their row order. Every event has `timestamp` and
// `type`; the rest depends on the type:
//   user_message      id, kind (prompt|command), preview, is_sidechain, agent_id
//   assistant_message id, model, preview, tokens, cost_usd, is_sidechain, agent_id
//   api_error         id, preview, is_sidechain, agent_id
//   tool_call         id, tool, success, duration_ms, file_path, error, is_sidechain, agent_id
//   agent_spawn       id, agent_type, description, ended_at, message_count, tokens, cost_usd
//   compaction        id, trigger, pre_tokens
//   hook              event, tool_use_id
// Previews are the first kTimelinePreviewChars characters of the text.
inline constexpr int kTimelinePreviewChars = 200;
nlohmann::ordered_json SessionTimeline(Db& db, const std::string& id, const SessionClock& clock);

// {"commits":[{hash, message, author, committed_at, files_changed, insertions, deletions,
// repo_path}]} in committed_at order (ties by repo_path, hash).
nlohmann::ordered_json SessionCommits(Db& db, const std::string& id);

}  // namespace cs

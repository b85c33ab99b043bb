// TranscriptParser: turns one JSONL line of a Claude Code transcript into TranscriptRecords,
// following the accounting rules of the formats doc (section 10).
//
// Contract: one parser per thread (it owns a simdjson On-Demand parser and reuses its
// buffers). Parse() never throws. It returns false for a line that must be skipped and counted
// (invalid JSON, a non-object, a blank line), with the reason in *error; it returns true with
// zero records for valid lines that carry nothing claudescope stores (unknown types, progress
// lines, snapshots). A `progress` line embedding a subagent's assistant message
// (data.type "agent_progress") yields that message as a sidechain record, so that it joins the
// (message.id, requestId) dedupe and counts only when the subagent's own file is missing.
// `line` must be readable for simdjson::SIMDJSON_PADDING bytes past its end.
#pragma once
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/records.h"

namespace cs {

// Text kept per message and per tool output, so that huge tool results do not bloat the
// store (the transcripts stay the full record).
inline constexpr size_t kMaxMessageText = 32 * 1024;
inline constexpr size_t kMaxPreview = 2 * 1024;

class TranscriptParser {
 public:
  bool Parse(std::string_view line, std::vector<TranscriptRecord>& out, std::string* error);
  // Parses an agent-<id>.meta.json document ({"agentType","description","toolUseId"}).
  static bool ParseAgentMeta(std::string_view json, TranscriptRecord& out);

 private:
  simdjson::ondemand::parser parser_;
};

// Classifies a user line's text: prompt | command | interrupt | task_notification.
std::string ClassifyUserText(std::string_view text);

// Cuts s to at most max bytes on a UTF-8 character boundary.
void TruncateUtf8(std::string& s, size_t max);

}  // namespace cs

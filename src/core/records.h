// TranscriptRecord: what one transcript line means, in claudescope's terms. The parser
// (ingest/) turns a JSONL line into a record; the store's writer applies records. Plain value
// type: no invariants beyond the field comments; absent values are empty / nullopt.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/usage.h"

namespace cs {

struct ToolUseRecord {
  std::string id;                          // tool_use id ("toolu_...")
  std::string name;                        // "Bash", "Task", "Agent", "mcp__server__tool", ...
  std::string input_json;                  // the raw JSON of `input`
  std::string file_path;                   // input.file_path / notebook_path / path, when present
  std::string subagent_type, description;  // Task/Agent input
};

struct ToolResultRecord {
  std::string tool_use_id;
  bool is_error = false;        // absent is_error = success
  std::string content_preview;  // text of the result, cut
  std::string stdout_preview, stderr_preview;
  std::string error;  // error text when is_error
  std::optional<int64_t> duration_ms;
  std::string agent_id;  // toolUseResult.agentId (Task/Agent results)
  // The output preview in the store's packed form (store/preview_codec.h), when the ingestor's
  // reader thread has prepared it so that the single writer does not spend its time
  // compressing; an empty value means "store it as text". nullopt: not prepared.
  std::optional<std::string> packed_output;

  // The call's output as the store keeps it: stdout when the result had one (or failed), else
  // the text of the result.
  const std::string& output_preview() const {
    return !stdout_preview.empty() || is_error ? stdout_preview : content_preview;
  }
};

enum class RecordType { kSkip, kUser, kAssistant, kSystem, kTitle, kAgentMeta };

struct TranscriptRecord {
  RecordType type = RecordType::kSkip;
  std::string uuid, parent_uuid, session_id, cwd, git_branch, version, entrypoint, permission_mode;
  std::optional<int64_t> timestamp_ms;
  bool is_sidechain = false;
  std::string agent_id;

  // kUser: prompt | tool_result | meta | command | compact_summary | interrupt |
  //        task_notification.  kAssistant: response | api_error.  kSystem: the subtype.
  std::string kind;
  std::string text;  // prompt text, or the text blocks of this line

  // kAssistant
  std::string message_id, request_id, model;
  std::optional<Usage> usage;
  std::optional<double> legacy_cost_usd;  // top-level costUSD of early versions
  std::vector<ToolUseRecord> tool_uses;

  // kUser tool results
  std::vector<ToolResultRecord> tool_results;

  // kSystem compact_boundary
  std::string compact_trigger;
  std::optional<int64_t> compact_pre_tokens;

  // kTitle: rank 3 custom-title, 2 ai-title, 1 summary (a higher rank wins; the last of a rank)
  int title_rank = 0;
  std::string title;

  // kAgentMeta (subagent .meta.json): agent_id, tool_use_id in `uuid`, type and description
  std::string agent_type, agent_description;
};

}  // namespace cs

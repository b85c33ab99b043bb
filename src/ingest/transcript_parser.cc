#include "ingest/transcript_parser.h"

#include <cstring>

#include "core/time.h"

namespace cs {

namespace od = simdjson::ondemand;

namespace {

// Tolerant accessors: a field of an unexpected type reads as absent, never as an error, since
// the format changes between Claude Code versions.
std::string_view Str(od::value v) {
  if (v.type() != od::json_type::string) return {};
  return v.get_string().value();
}

bool Bool(od::value v) {
  if (v.type() != od::json_type::boolean) return false;
  return v.get_bool().value();
}

int64_t Int(od::value v) {
  if (v.type() != od::json_type::number) return 0;
  auto r = v.get_int64();
  if (!r.error()) return r.value();
  double d = v.get_double().value();
  return d > 0 ? int64_t(d) : 0;
}

std::optional<double> Double(od::value v) {
  if (v.type() != od::json_type::number) return std::nullopt;
  return v.get_double().value();
}

void AppendText(std::string& dst, std::string_view s) {
  if (s.empty() || dst.size() >= kMaxMessageText) return;
  if (!dst.empty()) dst.push_back('\n');
  dst.append(s.substr(0, kMaxMessageText - dst.size()));
}

// Text of a tool_result `content`: a string or a list of {type:text,text} blocks.
std::string ResultText(od::value v) {
  std::string out;
  if (v.type() == od::json_type::string) {
    out.assign(v.get_string().value().substr(0, kMaxPreview));
  } else if (v.type() == od::json_type::array) {
    for (od::value b : v.get_array()) {
      if (b.type() != od::json_type::object) continue;
      for (auto f : b.get_object()) {
        if (f.key() == "text") AppendText(out, Str(f.value()));
      }
      if (out.size() >= kMaxPreview) break;
    }
  }
  TruncateUtf8(out, kMaxPreview);
  return out;
}

void ParseUsage(od::value v, Usage& u) {
  int64_t cc_total = 0, b5 = 0, b1 = 0;
  for (auto f : v.get_object()) {
    auto k = f.key().value();
    if (k == "input_tokens") {
      u.input_tokens = Int(f.value());
    } else if (k == "output_tokens") {
      u.output_tokens = Int(f.value());
    } else if (k == "cache_read_input_tokens") {
      u.cache_read_tokens = Int(f.value());
    } else if (k == "cache_creation_input_tokens") {
      cc_total = Int(f.value());
    } else if (k == "cache_creation") {
      od::value c = f.value();
      if (c.type() != od::json_type::object) continue;
      for (auto g : c.get_object()) {
        auto gk = g.key().value();
        if (gk == "ephemeral_5m_input_tokens") {
          b5 = Int(g.value());
        } else if (gk == "ephemeral_1h_input_tokens") {
          b1 = Int(g.value());
        }
      }
    } else if (k == "server_tool_use") {
      od::value s = f.value();
      if (s.type() != od::json_type::object) continue;
      for (auto g : s.get_object()) {
        if (g.key() == "web_search_requests") u.web_search_requests = Int(g.value());
      }
    } else if (k == "speed") {
      u.fast = Str(f.value()) == "fast";
    } else if (k == "inference_geo") {
      std::string_view geo = Str(f.value());
      u.us_only = geo.size() >= 2 && (geo[0] == 'u' || geo[0] == 'U') &&
                  (geo[1] == 's' || geo[1] == 'S') &&
                  (geo.size() == 2 || geo[2] == '-' || geo[2] == '_' || geo[2] == '.');
    }
  }
  // The TTL split wins when given; whatever the total has beyond it (no split at all, or a
  // partial one) is a 5-minute write. Before 2.1.152 the total could be 0 beside a filled split.
  u.cache_write_5m_tokens = b5;
  u.cache_write_1h_tokens = b1;
  if (cc_total > b5 + b1) u.cache_write_5m_tokens += cc_total - (b5 + b1);
}

std::string FilePathOf(std::string_view input_json) {
  // A cheap look-up on the raw text: these keys are plain ASCII in every tool's input.
  for (const char* key : {"\"file_path\":\"", "\"notebook_path\":\"", "\"path\":\""}) {
    auto pos = input_json.find(key);
    if (pos == std::string_view::npos) continue;
    pos += std::strlen(key);
    std::string out;
    for (size_t i = pos; i < input_json.size() && input_json[i] != '"'; ++i) {
      if (input_json[i] == '\\' && i + 1 < input_json.size()) {
        char n = input_json[++i];
        out.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n);
      } else {
        out.push_back(input_json[i]);
      }
    }
    return out;
  }
  return {};
}

void ParseToolUse(od::object block, TranscriptRecord& r) {
  ToolUseRecord t;
  for (auto f : block) {
    auto k = f.key().value();
    if (k == "id") {
      t.id = Str(f.value());
    } else if (k == "name") {
      t.name = Str(f.value());
    } else if (k == "input") {
      od::value in = f.value();
      if (in.type() == od::json_type::object) {
        od::object o = in.get_object();
        t.input_json = o.raw_json().value();
      }
    }
  }
  if (t.id.empty()) return;
  t.file_path = FilePathOf(t.input_json);
  if (t.name == "Task" || t.name == "Agent") {
    // Re-read the small input object for the subagent's type and description.
    simdjson::padded_string p(t.input_json);
    od::parser parser;
    try {
      od::document d = parser.iterate(p);
      for (auto f : d.get_object()) {
        auto k = f.key().value();
        if (k == "subagent_type") {
          t.subagent_type = Str(f.value());
        } else if (k == "description") {
          t.description = Str(f.value());
        }
      }
    } catch (const simdjson::simdjson_error&) {
    }
  }
  r.tool_uses.push_back(std::move(t));
}

void ParseToolResultBlock(od::object block, TranscriptRecord& r) {
  ToolResultRecord t;
  for (auto f : block) {
    auto k = f.key().value();
    if (k == "tool_use_id") {
      t.tool_use_id = Str(f.value());
    } else if (k == "is_error") {
      t.is_error = Bool(f.value());
    } else if (k == "content") {
      t.content_preview = ResultText(f.value());
    }
  }
  if (t.tool_use_id.empty()) return;
  if (t.is_error) t.error = t.content_preview;
  r.tool_results.push_back(std::move(t));
}

// message.content: a string (prompts) or a list of blocks.
void ParseContent(od::value v, TranscriptRecord& r, bool* has_tool_result) {
  if (v.type() == od::json_type::string) {
    AppendText(r.text, v.get_string().value());
    return;
  }
  if (v.type() != od::json_type::array) return;
  for (od::value b : v.get_array()) {
    if (b.type() != od::json_type::object) continue;
    od::object o = b.get_object();
    std::string_view type;
    // "type" comes first in every block Claude Code writes; fall back to a reset scan.
    auto first = o.find_field_unordered("type");
    if (!first.error()) type = Str(first.value());
    o.reset();
    if (type == "text") {
      for (auto f : o) {
        if (f.key() == "text") AppendText(r.text, Str(f.value()));
      }
    } else if (type == "tool_use" || type == "server_tool_use") {
      ParseToolUse(o, r);
    } else if (type == "tool_result") {
      *has_tool_result = true;
      ParseToolResultBlock(o, r);
    }
  }
}

void ParseMessage(od::value v, TranscriptRecord& r, bool* has_tool_result) {
  if (v.type() != od::json_type::object) return;
  for (auto f : v.get_object()) {
    auto k = f.key().value();
    if (k == "model") {
      r.model = Str(f.value());
    } else if (k == "id") {
      r.message_id = Str(f.value());
    } else if (k == "content") {
      ParseContent(f.value(), r, has_tool_result);
    } else if (k == "usage") {
      od::value u = f.value();
      if (u.type() == od::json_type::object) {
        Usage usage;
        ParseUsage(u, usage);
        r.usage = usage;
      }
    }
  }
}

// toolUseResult: structured output of the tool (object), an error string, or absent.
void ParseToolUseResult(od::value v, TranscriptRecord& r) {
  if (r.tool_results.empty()) return;
  // One result per line in practice; attach the structured data to the first.
  ToolResultRecord& t = r.tool_results.front();
  if (v.type() == od::json_type::string) {
    std::string s(v.get_string().value().substr(0, kMaxPreview));
    TruncateUtf8(s, kMaxPreview);
    if (t.is_error && t.error.empty()) t.error = s;
    return;
  }
  if (v.type() != od::json_type::object) return;
  for (auto f : v.get_object()) {
    auto k = f.key().value();
    if (k == "stdout") {
      t.stdout_preview = Str(f.value()).substr(0, kMaxPreview);
      TruncateUtf8(t.stdout_preview, kMaxPreview);
    } else if (k == "stderr") {
      t.stderr_preview = Str(f.value()).substr(0, kMaxPreview);
      TruncateUtf8(t.stderr_preview, kMaxPreview);
    } else if (k == "agentId") {
      t.agent_id = Str(f.value());
    } else if (k == "durationMs" || k == "totalDurationMs") {
      t.duration_ms = Int(f.value());
    } else if (k == "durationSeconds") {
      if (auto d = Double(f.value())) t.duration_ms = int64_t(*d * 1000);
    }
  }
}

struct EntryFlags {
  bool is_meta = false, is_compact_summary = false, is_api_error = false, has_tool_result = false;
  std::string type, subtype;
};

void ParseEntry(od::object obj, TranscriptRecord& r, EntryFlags& fl,
                std::vector<TranscriptRecord>& embedded);

void ParseProgressData(od::value v, TranscriptRecord& outer, std::vector<TranscriptRecord>& out) {
  if (v.type() != od::json_type::object) return;
  std::string agent_id;
  bool agent_progress = false;
  for (auto f : v.get_object()) {
    auto k = f.key().value();
    if (k == "type") {
      agent_progress = Str(f.value()) == "agent_progress";
    } else if (k == "agentId") {
      agent_id = Str(f.value());
    } else if (k == "message" && agent_progress) {
      od::value m = f.value();
      if (m.type() != od::json_type::object) continue;
      TranscriptRecord e;
      EntryFlags efl;
      std::vector<TranscriptRecord> ignored;
      ParseEntry(m.get_object(), e, efl, ignored);
      if (efl.type != "assistant" || !e.usage) continue;
      e.type = RecordType::kAssistant;
      e.kind = "response";
      e.is_sidechain = true;
      if (e.session_id.empty()) e.session_id = outer.session_id;
      if (e.agent_id.empty()) e.agent_id = agent_id;
      if (e.cwd.empty()) e.cwd = outer.cwd;
      out.push_back(std::move(e));
    }
  }
  if (!agent_id.empty()) {
    for (auto& e : out) {
      if (e.agent_id.empty()) e.agent_id = agent_id;
    }
  }
}

void ParseEntry(od::object obj, TranscriptRecord& r, EntryFlags& fl,
                std::vector<TranscriptRecord>& embedded) {
  for (auto f : obj) {
    auto k = f.key().value();
    // Ordered by how often the keys occur in real transcripts.
    if (k == "type") {
      fl.type = Str(f.value());
    } else if (k == "message") {
      ParseMessage(f.value(), r, &fl.has_tool_result);
    } else if (k == "uuid") {
      r.uuid = Str(f.value());
    } else if (k == "parentUuid") {
      r.parent_uuid = Str(f.value());
    } else if (k == "timestamp") {
      r.timestamp_ms = ParseTimestamp(Str(f.value()));
    } else if (k == "sessionId") {
      r.session_id = Str(f.value());
    } else if (k == "cwd") {
      r.cwd = Str(f.value());
    } else if (k == "isSidechain") {
      r.is_sidechain = Bool(f.value());
    } else if (k == "agentId") {
      r.agent_id = Str(f.value());
    } else if (k == "requestId") {
      r.request_id = Str(f.value());
    } else if (k == "gitBranch") {
      r.git_branch = Str(f.value());
    } else if (k == "version") {
      r.version = Str(f.value());
    } else if (k == "toolUseResult") {
      // Handled after the message (results must be known first): keep the raw value.
      od::value v = f.value();
      if (!fl.has_tool_result) continue;
      ParseToolUseResult(v, r);
    } else if (k == "isMeta") {
      fl.is_meta = Bool(f.value());
    } else if (k == "isCompactSummary") {
      fl.is_compact_summary = Bool(f.value());
    } else if (k == "isApiErrorMessage") {
      fl.is_api_error = Bool(f.value());
    } else if (k == "subtype") {
      fl.subtype = Str(f.value());
    } else if (k == "costUSD") {
      r.legacy_cost_usd = Double(f.value());
    } else if (k == "entrypoint") {
      r.entrypoint = Str(f.value());
    } else if (k == "permissionMode") {
      r.permission_mode = Str(f.value());
    } else if (k == "compactMetadata") {
      od::value m = f.value();
      if (m.type() != od::json_type::object) continue;
      for (auto g : m.get_object()) {
        auto gk = g.key().value();
        if (gk == "trigger") {
          r.compact_trigger = Str(g.value());
        } else if (gk == "preTokens") {
          r.compact_pre_tokens = Int(g.value());
        }
      }
    } else if (k == "summary") {
      r.title = Str(f.value());
      r.title_rank = 1;
    } else if (k == "aiTitle") {
      r.title = Str(f.value());
      r.title_rank = 2;
    } else if (k == "customTitle") {
      r.title = Str(f.value());
      r.title_rank = 3;
    } else if (k == "data") {
      ParseProgressData(f.value(), r, embedded);
    } else if (k == "content" && r.text.empty()) {
      // system lines: free text content
      od::value v = f.value();
      if (v.type() == od::json_type::string) AppendText(r.text, v.get_string().value());
    }
  }
}

}  // namespace

void TruncateUtf8(std::string& s, size_t max) {
  if (s.size() <= max) return;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
    --n;
  s.resize(n);
}

std::string ClassifyUserText(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t'))
    ++i;
  std::string_view t = text.substr(i);
  if (t.starts_with("[Request interrupted by user")) return "interrupt";
  if (t.starts_with("<task-notification>")) return "task_notification";
  if (t.starts_with("<command-name>") || t.starts_with("<command-message>") ||
      t.starts_with("<local-command-stdout>") || t.starts_with("<local-command-stderr>") ||
      t.starts_with("<bash-input>") || t.starts_with("<bash-stdout>") ||
      t.starts_with("<bash-stderr>") || t.starts_with("<local-command-caveat>")) {
    return "command";
  }
  return "prompt";
}

bool TranscriptParser::Parse(std::string_view line, std::vector<TranscriptRecord>& out,
                             std::string* error) {
  size_t size = line.size();
  while (size > 0 && (line[size - 1] == '\r' || line[size - 1] == ' ' || line[size - 1] == '\t'))
    --size;
  size_t start = 0;
  while (start < size && (line[start] == ' ' || line[start] == '\t'))
    ++start;
  if (start == size) {
    *error = "blank line";
    return false;
  }
  if (line[start] != '{') {
    *error = "not a JSON object";
    return false;
  }
  std::vector<TranscriptRecord> embedded;
  TranscriptRecord r;
  EntryFlags fl;
  try {
    simdjson::padded_string_view view(line.data() + start, size - start,
                                      size - start + simdjson::SIMDJSON_PADDING);
    od::document doc = parser_.iterate(view);
    od::object obj = doc.get_object();
    ParseEntry(obj, r, fl, embedded);
  } catch (const simdjson::simdjson_error& e) {
    *error = std::string("invalid JSON: ") + e.what();
    return false;
  }

  if (fl.type == "assistant") {
    r.type = RecordType::kAssistant;
    r.is_sidechain = r.is_sidechain || !r.agent_id.empty() ? r.is_sidechain : false;
    r.kind = (fl.is_api_error || r.model == "<synthetic>") ? "api_error" : "response";
    if (r.kind == "api_error") r.usage.reset();
  } else if (fl.type == "user") {
    r.type = RecordType::kUser;
    if (fl.is_compact_summary) {
      r.kind = "compact_summary";
    } else if (fl.has_tool_result) {
      r.kind = "tool_result";
    } else if (fl.is_meta) {
      r.kind = "meta";
    } else {
      r.kind = ClassifyUserText(r.text);
    }
  } else if (fl.type == "system") {
    r.type = RecordType::kSystem;
    r.kind = fl.subtype;
  } else if (fl.type == "summary" || fl.type == "ai-title" || fl.type == "custom-title") {
    r.type = r.title.empty() ? RecordType::kSkip : RecordType::kTitle;
  } else {
    r.type = RecordType::kSkip;  // progress, snapshots, queue operations, unknown types
  }
  if (r.type != RecordType::kSkip) out.push_back(std::move(r));
  for (auto& e : embedded)
    out.push_back(std::move(e));
  return true;
}

bool TranscriptParser::ParseAgentMeta(std::string_view json, TranscriptRecord& out) {
  try {
    simdjson::padded_string p(json);
    od::parser parser;
    od::document d = parser.iterate(p);
    for (auto f : d.get_object()) {
      auto k = f.key().value();
      if (k == "agentType") {
        out.agent_type = Str(f.value());
      } else if (k == "description") {
        out.agent_description = Str(f.value());
      } else if (k == "toolUseId") {
        out.uuid = Str(f.value());
      }
    }
    out.type = RecordType::kAgentMeta;
    return true;
  } catch (const simdjson::simdjson_error&) {
    return false;
  }
}

}  // namespace cs

#include "store/ingest_writer.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>

#include "core/time.h"
#include "store/model_rollup.h"
#include "store/preview_codec.h"
#include "store/prompt_rollup.h"
#include "store/schema.h"

namespace cs {

namespace {

constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();
// A response's text is the concatenation of its blocks, kept up to this size.
constexpr size_t kMaxStoredText = 64 * 1024;

int64_t BucketOf(int64_t ts) {
  return ts == kNoTime ? 0 : RollupBucketOf(ts);
}

// Cuts to at most `max_chars` Unicode characters on a UTF-8 boundary.
std::string TruncateChars(const std::string& s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) return s.substr(0, i);
      ++chars;
    }
  }
  return s;
}

// The project a cwd belongs to: its git work-tree root when the directory exists here,
// else the cwd itself (transcripts from another machine keep their paths).
std::string ProjectOf(const std::string& cwd) {
  namespace fs = std::filesystem;
  if (cwd.empty() || cwd[0] != '/') return cwd;
  std::error_code ec;
  fs::path p(cwd);
  for (int depth = 0; depth < 64 && !p.empty(); ++depth) {
    if (fs::exists(p / ".git", ec)) return p.string();
    if (p == p.root_path()) break;
    p = p.parent_path();
  }
  return cwd;
}

std::string BaseName(const std::string& path) {
  auto pos = path.find_last_of("/\\");
  std::string name = pos == std::string::npos ? path : path.substr(pos + 1);
  return name.empty() ? path : name;
}

bool IsSpawn(const std::string& tool) {
  return tool == "Task" || tool == "Agent";
}

// A time column: NULL when the line had no timestamp.
void BindTime(Stmt& q, int i, int64_t ts) {
  if (ts == kNoTime) {
    q.BindNull(i);
  } else {
    q.Bind(i, ts);
  }
}

// Binds a call's columns ?1..?9 (insert_tool, insert_call_result).
void BindCall(Stmt& q, const std::string& id, const std::string& session,
              const std::string& message_id, const std::string& name, const std::string& input,
              const std::string& file_path, int64_t ts, bool is_sidechain,
              const std::string& agent) {
  q.BindRef(1, id).BindRef(2, session);
  q.BindOrNull(3, message_id);
  q.BindRef(4, name).BindRef(5, input);
  q.BindOrNull(6, file_path);
  BindTime(q, 7, ts);
  q.Bind(8, int64_t(is_sidechain));
  q.BindOrNull(9, agent);
}

}  // namespace

struct IngestWriter::Statements {
  explicit Statements(Db& db)
      : find_session(db, "SELECT project_path FROM sessions WHERE id=?1"),
        insert_session(db,
                       "INSERT INTO sessions(id, project_path, project_name, cwd) "
                       "VALUES(?1, ?2, ?3, ?4)"),
        set_project(db,
                    "UPDATE sessions SET project_path=?2, project_name=?3, cwd=?4 "
                    "WHERE id=?1 AND project_path=''"),
        update_session(db, R"SQL(
UPDATE sessions SET
  message_count=message_count+?1, assistant_messages=assistant_messages+?2,
  user_prompt_count=user_prompt_count+?3, tool_call_count=tool_call_count+?4,
  tool_error_count=tool_error_count+?5, subagent_count=subagent_count+?6,
  compaction_count=compaction_count+?7, api_error_count=api_error_count+?8,
  input_tokens=input_tokens+?9, output_tokens=output_tokens+?10,
  cache_read_tokens=cache_read_tokens+?11, cache_write_5m_tokens=cache_write_5m_tokens+?12,
  cache_write_1h_tokens=cache_write_1h_tokens+?13, cost_usd=cost_usd+?14,
  unpriced_messages=unpriced_messages+?15,
  started_at=CASE WHEN ?16 IS NULL THEN started_at
                  WHEN started_at IS NULL OR ?16 < started_at THEN ?16 ELSE started_at END,
  last_activity_at=CASE WHEN ?17 IS NULL THEN last_activity_at
                  WHEN last_activity_at IS NULL OR ?17 > last_activity_at THEN ?17
                  ELSE last_activity_at END,
  first_prompt=CASE WHEN ?18 IS NOT NULL AND (first_prompt_at IS NULL OR ?19 < first_prompt_at)
                    THEN ?18 ELSE first_prompt END,
  first_prompt_at=CASE WHEN ?18 IS NOT NULL AND (first_prompt_at IS NULL OR ?19 < first_prompt_at)
                    THEN ?19 ELSE first_prompt_at END,
  git_branch=coalesce(?20, git_branch), claude_version=coalesce(?21, claude_version),
  entry_point=coalesce(?22, entry_point), permission_mode=coalesce(?23, permission_mode),
  custom_title=coalesce(?24, custom_title), ai_title=coalesce(?25, ai_title),
  summary_title=coalesce(?26, summary_title)
WHERE id=?27)SQL"),
        find_message(db,
                     "SELECT rowid, session_id, model, timestamp, input_tokens, output_tokens, "
                     "cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cost_usd, "
                     "priced, agent_id, content_text, web_search_requests FROM messages "
                     "WHERE dedupe_key=?1"),
        insert_message(db, R"SQL(
INSERT INTO messages(dedupe_key, id, session_id, parent_id, type, kind, model, content_text,
  timestamp, is_sidechain, agent_id, request_id, input_tokens, output_tokens, cache_read_tokens,
  cache_write_5m_tokens, cache_write_1h_tokens, web_search_requests, fast, us_only,
  legacy_cost_usd, cost_usd, priced)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
  ?21, ?22, ?23)
ON CONFLICT(dedupe_key) DO NOTHING)SQL"),
        update_usage(db,
                     "UPDATE messages SET input_tokens=?2, output_tokens=?3, cache_read_tokens=?4, "
                     "cache_write_5m_tokens=?5, cache_write_1h_tokens=?6, web_search_requests=?7, "
                     "fast=?8, us_only=?9, cost_usd=?10, priced=?11, timestamp=?12 WHERE rowid=?1"),
        update_text(db, "UPDATE messages SET content_text=?2 WHERE rowid=?1"),
        fts_insert(db, "INSERT INTO messages_fts(rowid, content_text) VALUES(?1, ?2)"),
        fts_index_new(db,
                      "INSERT INTO messages_fts(rowid, content_text) SELECT rowid, content_text "
                      "FROM messages WHERE rowid > ?1 AND content_text <> ''"),
        new_texts(db,
                  "SELECT rowid, content_text FROM messages WHERE rowid > ?1 AND "
                  "content_text <> ''"),
        max_rowid(db, "SELECT coalesce(max(rowid), 0) FROM messages"),
        fts_delete(db,
                   "INSERT INTO messages_fts(messages_fts, rowid, content_text) "
                   "VALUES('delete', ?1, ?2)"),
        insert_tool(db, R"SQL(
INSERT INTO tool_calls(id, session_id, message_id, tool_name, input, file_path, timestamp,
  is_sidechain, agent_id)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT(id) DO UPDATE SET session_id=excluded.session_id, message_id=excluded.message_id,
  tool_name=excluded.tool_name, input=excluded.input, file_path=excluded.file_path,
  timestamp=excluded.timestamp, is_sidechain=excluded.is_sidechain, agent_id=excluded.agent_id
WHERE tool_calls.tool_name IS NULL)SQL"),
        set_result(db, R"SQL(
UPDATE tool_calls SET success=?2, error=?3, duration_ms=coalesce(?4, duration_ms),
  stdout_preview=?5, stderr_preview=?6, result_at=?7
WHERE id=?1 AND result_at IS NULL)SQL"),
        insert_call_result(db, R"SQL(
INSERT INTO tool_calls(id, session_id, message_id, tool_name, input, file_path, timestamp,
  is_sidechain, agent_id, success, error, duration_ms, stdout_preview, stderr_preview, result_at)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
ON CONFLICT(id) DO NOTHING)SQL"),
        insert_result(db, R"SQL(
INSERT INTO tool_calls(id, session_id, success, error, duration_ms, stdout_preview,
  stderr_preview, result_at, is_sidechain, agent_id)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO NOTHING)SQL"),
        link_agent(db, R"SQL(
INSERT INTO subagents(session_id, id, tool_use_id, agent_type, description, started_at)
SELECT ?1, ?2, id, json_extract(input, '$.subagent_type'), json_extract(input, '$.description'),
  timestamp FROM tool_calls WHERE id=?3 AND tool_name IS NOT NULL
ON CONFLICT(session_id, id) DO UPDATE SET tool_use_id=excluded.tool_use_id,
  agent_type=coalesce(subagents.agent_type, excluded.agent_type),
  description=coalesce(subagents.description, excluded.description))SQL"),
        agent_meta(db, R"SQL(
INSERT INTO subagents(session_id, id, tool_use_id, agent_type, description) VALUES(?1, ?2, ?3, ?4, ?5)
ON CONFLICT(session_id, id) DO UPDATE SET
  tool_use_id=coalesce(excluded.tool_use_id, subagents.tool_use_id),
  agent_type=coalesce(excluded.agent_type, subagents.agent_type),
  description=coalesce(excluded.description, subagents.description))SQL"),
        insert_compaction(db,
                          "INSERT INTO compactions(id, session_id, timestamp, trigger, pre_tokens) "
                          "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO NOTHING"),
        rollup(db, R"SQL(
INSERT INTO usage_rollup(bucket, session_id, model, project_path, messages, assistant_messages,
  user_prompts, tool_calls, tool_errors, input_tokens, output_tokens, cache_read_tokens,
  cache_write_5m_tokens, cache_write_1h_tokens, cost_usd)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
ON CONFLICT(bucket, session_id, model) DO UPDATE SET
  messages=messages+excluded.messages, assistant_messages=assistant_messages+excluded.assistant_messages,
  user_prompts=user_prompts+excluded.user_prompts, tool_calls=tool_calls+excluded.tool_calls,
  tool_errors=tool_errors+excluded.tool_errors, input_tokens=input_tokens+excluded.input_tokens,
  output_tokens=output_tokens+excluded.output_tokens,
  cache_read_tokens=cache_read_tokens+excluded.cache_read_tokens,
  cache_write_5m_tokens=cache_write_5m_tokens+excluded.cache_write_5m_tokens,
  cache_write_1h_tokens=cache_write_1h_tokens+excluded.cache_write_1h_tokens,
  cost_usd=cost_usd+excluded.cost_usd)SQL"),
        model_rollup(db, kModelRollupUpsert),
        agent_totals(db, R"SQL(
INSERT INTO subagents(session_id, id, started_at, ended_at, message_count, tool_call_count,
  input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
ON CONFLICT(session_id, id) DO UPDATE SET
  started_at=CASE WHEN excluded.started_at IS NULL THEN started_at
    WHEN started_at IS NULL OR excluded.started_at < started_at THEN excluded.started_at
    ELSE started_at END,
  ended_at=CASE WHEN excluded.ended_at IS NULL THEN ended_at
    WHEN ended_at IS NULL OR excluded.ended_at > ended_at THEN excluded.ended_at
    ELSE ended_at END,
  message_count=message_count+excluded.message_count,
  tool_call_count=tool_call_count+excluded.tool_call_count,
  input_tokens=input_tokens+excluded.input_tokens, output_tokens=output_tokens+excluded.output_tokens,
  cache_read_tokens=cache_read_tokens+excluded.cache_read_tokens,
  cache_write_tokens=cache_write_tokens+excluded.cache_write_tokens,
  cost_usd=cost_usd+excluded.cost_usd)SQL"),
        insert_error(db,
                     "INSERT INTO ingest_errors(path, offset, reason, at) VALUES(?1, ?2, ?3, ?4) "
                     "ON CONFLICT(path, offset) DO NOTHING"),
        file_state(db, R"SQL(
INSERT INTO files(path, inode, size, offset, lines, skipped, updated_at)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT(path) DO UPDATE SET inode=excluded.inode, size=excluded.size, offset=excluded.offset,
  lines=excluded.lines, skipped=skipped+excluded.skipped, updated_at=excluded.updated_at)SQL"),
        reset_file_skips(db, "UPDATE files SET skipped=0 WHERE path=?1"),
        count_skipped(db, "SELECT count(*) FROM ingest_errors WHERE path=?1") {}

  Stmt find_session, insert_session, set_project, update_session, find_message, insert_message,
      update_usage, update_text, fts_insert, fts_index_new, new_texts, max_rowid, fts_delete,
      insert_tool, set_result, insert_call_result, insert_result, link_agent, agent_meta,
      insert_compaction, rollup, model_rollup, agent_totals, insert_error, file_state,
      reset_file_skips, count_skipped;
};

struct IngestWriter::SessionDelta {
  std::string id;
  std::string project;
  int64_t messages = 0, assistant = 0, prompts = 0, tool_calls = 0, tool_errors = 0, subagents = 0,
          compactions = 0, api_errors = 0, unpriced = 0;
  UsageTotals usage;
  int64_t min_ts = kNoTime, max_ts = kNoTime;
  std::optional<std::string> first_prompt;
  int64_t first_prompt_at = 0;
  std::optional<std::string> branch, version, entry, permission, custom_title, ai_title,
      summary_title;
};

struct IngestWriter::RollupDelta {
  int64_t bucket = 0;
  std::string session, model, project;
  int64_t messages = 0, assistant = 0, prompts = 0, tool_calls = 0, tool_errors = 0;
  int64_t input = 0, output = 0, cache_read = 0, cw5 = 0, cw1h = 0;
  double cost = 0;

  // Adds the assistant usage of `o` (what model_rollup keeps).
  void AddUsage(const RollupDelta& o) {
    assistant += o.assistant;
    input += o.input;
    output += o.output;
    cache_read += o.cache_read;
    cw5 += o.cw5;
    cw1h += o.cw1h;
    cost += o.cost;
  }
};

struct IngestWriter::AgentDelta {
  std::string session, agent;
  int64_t min_ts = kNoTime, max_ts = kNoTime;
  int64_t messages = 0, tool_calls = 0, input = 0, output = 0, cache_read = 0, cache_write = 0;
  double cost = 0;
};

// A tool call as its assistant line gave it, before it is stored.
struct IngestWriter::PendingCall {
  std::string id, session, message_id, name, input, file_path, agent;
  int64_t ts = kNoTime;
  bool is_sidechain = false;
};

struct IngestWriter::MessageState {
  int64_t rowid = 0;
  std::string session, model, agent, text;
  std::string indexed;     // the text messages_fts holds for this row (content_text in the table)
  bool text_grew = false;  // content_text must be rewritten at Flush()
  int64_t ts = kNoTime;
  Usage usage;
  double cost = 0;
  bool priced = true;
};

std::string SubagentIdOf(const TranscriptRecord& r, const FileContext& ctx) {
  if (ctx.is_compaction_file) return "";
  if (!r.is_sidechain && !ctx.is_subagent_file) return "";
  std::string id = !r.agent_id.empty() ? r.agent_id : ctx.agent_id;
  if (id.starts_with("acompact")) return "";
  return id;
}

IngestWriter::IngestWriter(Db& db, const PriceBook* prices)
    : db_(db), prices_(prices), st_(std::make_unique<Statements>(db)) {}

IngestWriter::~IngestWriter() {
  if (tx_open_) {
    try {
      db_.Exec("ROLLBACK");
    } catch (...) {
    }
  }
}

void IngestWriter::set_bulk_load(bool on) {
  bulk_load_ = on;
  if (!on) stored_messages_.Clear();
}

void IngestWriter::Begin() {
  if (tx_open_) return;
  db_.Exec("BEGIN IMMEDIATE");
  tx_open_ = true;
  prompt_dirty_.clear();
  fts_mark_ = st_->max_rowid.Step() ? st_->max_rowid.Int(0) : 0;
  st_->max_rowid.Reset();
  pending_ = 0;
}

const std::string& IngestWriter::ProjectFor(const std::string& cwd) {
  auto it = project_of_cwd_.find(cwd);
  if (it == project_of_cwd_.end()) it = project_of_cwd_.emplace(cwd, ProjectOf(cwd)).first;
  return it->second;
}

IngestWriter::SessionDelta& IngestWriter::Session(const std::string& id,
                                                  const TranscriptRecord& r) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) {
    auto d = std::make_unique<SessionDelta>();
    d->id = id;
    auto known = projects_.find(id);
    if (known != projects_.end()) {
      d->project = known->second;
    } else {
      auto& q = st_->find_session;
      q.Bind(1, id);
      bool found = q.Step();
      if (found) d->project = q.Text(0);
      q.Reset();
      if (!found) {
        d->project = ProjectFor(r.cwd);
        st_->insert_session.Bind(1, id).Bind(2, d->project).Bind(3, BaseName(d->project));
        st_->insert_session.BindOrNull(4, r.cwd);
        st_->insert_session.Run();
      }
      projects_[id] = d->project;
    }
    it = sessions_.emplace(id, std::move(d)).first;
  }
  SessionDelta& s = *it->second;
  if (s.project.empty() && !r.cwd.empty()) {
    // The first lines (summary, snapshots) carry no cwd: take the first line that does.
    s.project = ProjectFor(r.cwd);
    projects_[id] = s.project;
    st_->set_project.Bind(1, id).Bind(2, s.project).Bind(3, BaseName(s.project)).Bind(4, r.cwd);
    st_->set_project.Run();
  }
  return s;
}

void IngestWriter::Touch(SessionDelta& s, const TranscriptRecord& r) {
  if (r.timestamp_ms) {
    int64_t t = *r.timestamp_ms;
    if (s.min_ts == kNoTime || t < s.min_ts) s.min_ts = t;
    if (s.max_ts == kNoTime || t > s.max_ts) s.max_ts = t;
  }
  if (!r.is_sidechain) {
    if (!r.git_branch.empty()) s.branch = r.git_branch;
    if (!r.version.empty()) s.version = r.version;
    if (!r.entrypoint.empty()) s.entry = r.entrypoint;
    if (!r.permission_mode.empty()) s.permission = r.permission_mode;
  }
}

IngestWriter::RollupDelta& IngestWriter::Rollup(int64_t ts, const std::string& session,
                                                const std::string& model,
                                                const std::string& project) {
  int64_t bucket = BucketOf(ts);
  // A file's lines mostly land in the bucket of the line before: that one is checked before
  // building the map's key (building and hashing keys was ~5% of the writer's instructions).
  if (last_rollup_ && last_rollup_->bucket == bucket && last_rollup_->session == session &&
      last_rollup_->model == model)
    return *last_rollup_;
  std::string key = std::to_string(bucket);
  key.push_back('\x1f');
  key += session;
  key.push_back('\x1f');
  key += model;
  auto [it, inserted] = rollups_.try_emplace(std::move(key));
  if (inserted) {
    it->second.bucket = bucket;
    it->second.session = session;
    it->second.model = model;
    it->second.project = project;
  }
  last_rollup_ = &it->second;  // nodes stay put until the map is cleared
  return it->second;
}

IngestWriter::AgentDelta* IngestWriter::Agent(const std::string& session, const std::string& agent,
                                              int64_t ts) {
  if (agent.empty()) return nullptr;
  std::string key = session + '\x1f' + agent;
  auto [it, inserted] = agents_.try_emplace(std::move(key));
  AgentDelta& a = it->second;
  if (inserted) {
    a.session = session;
    a.agent = agent;
  }
  if (ts != kNoTime) {
    if (a.min_ts == kNoTime || ts < a.min_ts) a.min_ts = ts;
    if (a.max_ts == kNoTime || ts > a.max_ts) a.max_ts = ts;
  }
  return &a;
}

double IngestWriter::PriceOf(const std::string& model, const Usage& u,
                             const std::optional<double>& legacy, bool* priced) {
  *priced = true;
  if (prices_) {
    // Matching a model id to the book's rules was ~1.5k instructions a response; a file's
    // responses mostly share a model.
    if (!price_match_.has_value() || price_model_ != model) {
      price_match_ = prices_->Match(model);
      price_model_ = model;
    }
    if (*price_match_) return prices_->CostAt(**price_match_, u);
  }
  if (u.total_tokens() == 0 && u.web_search_requests == 0) return legacy.value_or(0);
  *priced = false;
  return 0;
}

void IngestWriter::Apply(const TranscriptRecord& r, const FileContext& ctx, int64_t line_offset) {
  if (r.type == RecordType::kSkip) return;
  const std::string& sid = !r.session_id.empty() ? r.session_id : ctx.session_id;
  if (sid.empty()) return;
  ++pending_;
  if (r.type == RecordType::kAgentMeta) {
    // .meta.json: uuid holds toolUseId; the agent id comes from the file name.
    auto& q = st_->agent_meta;
    q.Bind(1, sid).Bind(2, ctx.agent_id);
    q.BindOrNull(3, r.uuid);
    q.BindOrNull(4, r.agent_type);
    q.BindOrNull(5, r.agent_description);
    q.Run();
    return;
  }
  SessionDelta& s = Session(sid, r);
  Touch(s, r);
  switch (r.type) {
    case RecordType::kAssistant:
      ApplyAssistant(r, ctx, s, line_offset);
      break;
    case RecordType::kUser:
      ApplyUser(r, ctx, s, line_offset);
      break;
    case RecordType::kSystem:
      if (r.kind == "compact_boundary" && !r.uuid.empty()) {
        auto& q = st_->insert_compaction;
        q.Bind(1, r.uuid).Bind(2, sid).Bind(3, r.timestamp_ms);
        q.BindOrNull(4, r.compact_trigger);
        q.Bind(5, r.compact_pre_tokens);
        q.Run();
        if (db_.Changes() > 0) ++s.compactions;
      }
      break;
    case RecordType::kTitle:
      if (r.title_rank == 3) s.custom_title = r.title;
      if (r.title_rank == 2) s.ai_title = r.title;
      if (r.title_rank == 1) s.summary_title = r.title;
      break;
    default:
      break;
  }
}

void IngestWriter::ApplyAssistant(const TranscriptRecord& r, const FileContext& ctx,
                                  SessionDelta& s, int64_t line_offset) {
  const int64_t ts = r.timestamp_ms.value_or(kNoTime);
  const std::string agent = SubagentIdOf(r, ctx);
  std::string key;
  if (r.kind == "response" && !r.message_id.empty() && !r.request_id.empty()) {
    key = r.message_id + '\x1f' + r.request_id;
  } else if (!r.uuid.empty()) {
    key = r.uuid;
  } else {
    key = ctx.path + ':' + std::to_string(line_offset);
  }
  const Usage usage = r.usage.value_or(Usage{});

  auto cached = messages_.find(key);
  MessageState* state = cached == messages_.end() ? nullptr : &cached->second;
  if (!state && (!bulk_load_ || stored_messages_.MayContain(key))) state = LoadMessage(key);

  bool inserted = false;
  bool priced = true;
  double cost = 0;
  if (!state) {
    cost = r.kind == "api_error" ? 0 : PriceOf(r.model, usage, r.legacy_cost_usd, &priced);
    auto& q = st_->insert_message;
    q.BindRef(1, key)
        .Bind(2, !r.message_id.empty() ? r.message_id : (!r.uuid.empty() ? r.uuid : key))
        .Bind(3, s.id);
    q.BindOrNull(4, r.parent_uuid);
    q.Bind(5, "assistant").Bind(6, r.kind);
    q.BindOrNull(7, r.model);
    q.BindRef(8, r.text);
    BindTime(q, 9, ts);
    q.Bind(10, int64_t(r.is_sidechain || ctx.is_subagent_file));
    q.BindOrNull(11, agent);
    q.BindOrNull(12, r.request_id);
    q.Bind(13, usage.input_tokens)
        .Bind(14, usage.output_tokens)
        .Bind(15, usage.cache_read_tokens)
        .Bind(16, usage.cache_write_5m_tokens)
        .Bind(17, usage.cache_write_1h_tokens)
        .Bind(18, usage.web_search_requests)
        .Bind(19, int64_t(usage.fast))
        .Bind(20, int64_t(usage.us_only))
        .Bind(21, r.legacy_cost_usd)
        .Bind(22, cost)
        .Bind(23, int64_t(priced));
    q.Run();
    inserted = db_.Changes() > 0;
    // Not inserted: another writer stored it after the filter's answer (a concurrent import).
    if (!inserted) state = LoadMessage(key);
  }
  if (inserted) {
    if (bulk_load_) stored_messages_.Add(key);
    int64_t rowid = db_.LastInsertRowid();
    ++s.messages;
    prompt_dirty_.insert(s.id);
    const std::string model = r.kind == "api_error" ? "" : r.model;
    RollupDelta& roll = Rollup(ts, s.id, model, s.project);
    ++roll.messages;
    AgentDelta* a = Agent(s.id, agent, ts);
    if (a) ++a->messages;
    if (r.kind == "api_error") {
      ++s.api_errors;
    } else {
      ++s.assistant;
      if (!priced) ++s.unpriced;
      s.usage.Add(usage, cost);
      ++roll.assistant;
      roll.input += usage.input_tokens;
      roll.output += usage.output_tokens;
      roll.cache_read += usage.cache_read_tokens;
      roll.cw5 += usage.cache_write_5m_tokens;
      roll.cw1h += usage.cache_write_1h_tokens;
      roll.cost += cost;
      if (a) {
        a->input += usage.input_tokens;
        a->output += usage.output_tokens;
        a->cache_read += usage.cache_read_tokens;
        a->cache_write += usage.cache_write_tokens();
        a->cost += cost;
      }
    }
    MessageState m;
    m.rowid = rowid;
    m.session = s.id;
    m.model = model;
    m.agent = agent;
    m.text = r.text;
    m.indexed = "";  // indexed at Flush(), once all blocks of the response are in
    m.ts = ts;
    m.usage = usage;
    m.cost = cost;
    m.priced = priced;
    messages_.emplace(key, std::move(m));
    ApplyToolUses(r, s, r.message_id, agent);
    return;
  }
  if (!state) throw DbError("response " + key + " was neither inserted nor found");

  // A further line of a known response: a later block, a resumed copy, or the final usage.
  MessageState& m = *state;
  bool better = r.kind == "response" && r.usage &&
                (usage.output_tokens > m.usage.output_tokens ||
                 (usage.output_tokens == m.usage.output_tokens &&
                  usage.total_tokens() > m.usage.total_tokens()));
  if (better) {
    priced = true;
    cost = PriceOf(m.model, usage, r.legacy_cost_usd, &priced);
    int64_t new_ts = ts != kNoTime ? ts : m.ts;
    auto& q = st_->update_usage;
    q.Bind(1, m.rowid)
        .Bind(2, usage.input_tokens)
        .Bind(3, usage.output_tokens)
        .Bind(4, usage.cache_read_tokens)
        .Bind(5, usage.cache_write_5m_tokens)
        .Bind(6, usage.cache_write_1h_tokens)
        .Bind(7, usage.web_search_requests)
        .Bind(8, int64_t(usage.fast))
        .Bind(9, int64_t(usage.us_only))
        .Bind(10, cost)
        .Bind(11, int64_t(priced));
    BindTime(q, 12, new_ts);
    q.Run();
    SessionDelta& owner = m.session == s.id ? s : Session(m.session, r);
    prompt_dirty_.insert(owner.id);
    owner.usage.input_tokens += usage.input_tokens - m.usage.input_tokens;
    owner.usage.output_tokens += usage.output_tokens - m.usage.output_tokens;
    owner.usage.cache_read_tokens += usage.cache_read_tokens - m.usage.cache_read_tokens;
    owner.usage.cache_write_5m_tokens +=
        usage.cache_write_5m_tokens - m.usage.cache_write_5m_tokens;
    owner.usage.cache_write_1h_tokens +=
        usage.cache_write_1h_tokens - m.usage.cache_write_1h_tokens;
    owner.usage.cost_usd += cost - m.cost;
    owner.unpriced += int64_t(!priced) - int64_t(!m.priced);
    RollupDelta& old_roll = Rollup(m.ts, owner.id, m.model, owner.project);
    --old_roll.messages;
    --old_roll.assistant;
    old_roll.input -= m.usage.input_tokens;
    old_roll.output -= m.usage.output_tokens;
    old_roll.cache_read -= m.usage.cache_read_tokens;
    old_roll.cw5 -= m.usage.cache_write_5m_tokens;
    old_roll.cw1h -= m.usage.cache_write_1h_tokens;
    old_roll.cost -= m.cost;
    RollupDelta& new_roll = Rollup(new_ts, owner.id, m.model, owner.project);
    ++new_roll.messages;
    ++new_roll.assistant;
    new_roll.input += usage.input_tokens;
    new_roll.output += usage.output_tokens;
    new_roll.cache_read += usage.cache_read_tokens;
    new_roll.cw5 += usage.cache_write_5m_tokens;
    new_roll.cw1h += usage.cache_write_1h_tokens;
    new_roll.cost += cost;
    if (AgentDelta* a = Agent(owner.id, m.agent, new_ts)) {
      a->input += usage.input_tokens - m.usage.input_tokens;
      a->output += usage.output_tokens - m.usage.output_tokens;
      a->cache_read += usage.cache_read_tokens - m.usage.cache_read_tokens;
      a->cache_write += usage.cache_write_tokens() - m.usage.cache_write_tokens();
      a->cost += cost - m.cost;
    }
    m.usage = usage;
    m.cost = cost;
    m.priced = priced;
    m.ts = new_ts;
  }
  if (!r.text.empty() && m.text.size() < kMaxStoredText &&
      m.text.find(r.text) == std::string::npos) {
    if (!m.text.empty()) m.text.push_back('\n');
    m.text += r.text;  // written and indexed once, at Flush()
    m.text_grew = true;
  }
  SessionDelta& owner = m.session == s.id ? s : Session(m.session, r);
  ApplyToolUses(r, owner, r.message_id, m.agent);
}

IngestWriter::MessageState* IngestWriter::LoadMessage(const std::string& key) {
  auto& q = st_->find_message;
  q.BindRef(1, key);
  MessageState* state = nullptr;
  if (q.Step()) {
    MessageState m;
    m.rowid = q.Int(0);
    m.session = q.Text(1);
    m.model = q.Text(2);
    m.ts = q.IsNull(3) ? kNoTime : q.Int(3);
    m.usage.input_tokens = q.Int(4);
    m.usage.output_tokens = q.Int(5);
    m.usage.cache_read_tokens = q.Int(6);
    m.usage.cache_write_5m_tokens = q.Int(7);
    m.usage.cache_write_1h_tokens = q.Int(8);
    m.cost = q.Real(9);
    m.priced = q.Int(10) != 0;
    m.agent = q.Text(11);
    m.text = q.Text(12);
    m.indexed = m.text;
    m.usage.web_search_requests = q.Int(13);
    state = &messages_.emplace(key, std::move(m)).first->second;
  }
  q.Reset();
  return state;
}

void IngestWriter::ApplyToolUses(const TranscriptRecord& r, SessionDelta& s,
                                 const std::string& message_id, const std::string& agent) {
  // A call waits for its result (usually the next line), so that the two make one INSERT
  // instead of an INSERT and an UPDATE of the same wide row; Flush() stores the calls left.
  for (const auto& t : r.tool_uses) {
    auto [it, fresh] = pending_calls_.try_emplace(t.id);
    if (!fresh) continue;  // a second copy of a call still waiting: the first one counts
    PendingCall& c = it->second;
    c.id = t.id;
    c.session = s.id;
    c.message_id = message_id;
    c.name = t.name;
    c.input = t.input_json.empty() ? std::string("{}") : t.input_json;
    c.file_path = t.file_path;
    c.agent = agent;
    c.ts = r.timestamp_ms.value_or(kNoTime);
    c.is_sidechain = r.is_sidechain;
  }
}

void IngestWriter::CountCall(const PendingCall& c) {
  SessionDelta& s = *sessions_.at(c.session);  // the call's line was applied in this transaction
  ++s.tool_calls;
  ++Rollup(c.ts, s.id, "", s.project).tool_calls;
  if (IsSpawn(c.name)) ++s.subagents;
  if (AgentDelta* a = Agent(s.id, c.agent, c.ts)) ++a->tool_calls;
}

bool IngestWriter::StoreCall(const PendingCall& c) {
  auto& q = st_->insert_tool;
  BindCall(q, c.id, c.session, c.message_id, c.name, c.input, c.file_path, c.ts, c.is_sidechain,
           c.agent);
  q.Run();
  if (db_.Changes() == 0) return false;  // a copy of a stored call
  CountCall(c);
  return true;
}

void IngestWriter::ApplyUser(const TranscriptRecord& r, const FileContext& ctx, SessionDelta& s,
                             int64_t line_offset) {
  const int64_t ts = r.timestamp_ms.value_or(kNoTime);
  const std::string key = !r.uuid.empty() ? r.uuid : ctx.path + ':' + std::to_string(line_offset);
  const std::string agent = SubagentIdOf(r, ctx);
  const bool sidechain = r.is_sidechain || ctx.is_subagent_file;
  // Tool output stays in tool_calls (previews); the message row keeps only the prompt texts.
  const std::string& text = r.kind == "tool_result" ? std::string() : r.text;
  auto& q = st_->insert_message;
  q.Bind(1, key).Bind(2, key).Bind(3, s.id);
  q.BindOrNull(4, r.parent_uuid);
  q.Bind(5, "user").Bind(6, r.kind).BindNull(7).Bind(8, text);
  BindTime(q, 9, ts);
  q.Bind(10, int64_t(sidechain));
  q.BindOrNull(11, agent);
  q.BindNull(12);
  for (int i = 13; i <= 20; ++i)
    q.Bind(i, int64_t(0));
  q.BindNull(21).Bind(22, 0.0).Bind(23, int64_t(1));
  q.Run();
  if (db_.Changes() == 0) return;  // seen before: its results were applied then
  ++s.messages;
  RollupDelta& roll = Rollup(ts, s.id, "", s.project);
  ++roll.messages;
  if (AgentDelta* a = Agent(s.id, agent, ts)) ++a->messages;
  if (r.kind == "prompt" && !sidechain) {
    prompt_dirty_.insert(s.id);
    ++s.prompts;
    ++roll.prompts;
    int64_t at = ts == kNoTime ? std::numeric_limits<int64_t>::max() : ts;
    if (!s.first_prompt || at < s.first_prompt_at) {
      s.first_prompt = TruncateChars(r.text, 500);
      s.first_prompt_at = at;
    }
  }
  for (const auto& t : r.tool_results)
    ApplyToolResult(t, r, s);
}

void IngestWriter::ApplyToolResult(const ToolResultRecord& t, const TranscriptRecord& r,
                                   SessionDelta& s) {
  const int64_t ts = r.timestamp_ms.value_or(kNoTime);
  const std::string& out = t.output_preview();
  const std::string packed = t.packed_output ? std::string() : PackPreview(out);
  const std::string& blob = t.packed_output ? *t.packed_output : packed;
  auto bind_result = [&](Stmt& q, int first) {
    q.Bind(first, int64_t(!t.is_error));
    if (t.is_error) {
      q.BindRef(first + 1, t.error);
    } else {
      q.BindNull(first + 1);
    }
    q.Bind(first + 2, t.duration_ms);
    if (blob.empty()) {
      q.BindRef(first + 3, out);
    } else {
      q.BindBlobRef(first + 3, blob);
    }
    q.BindRef(first + 4, t.stderr_preview);
    q.Bind(first + 5, ts == kNoTime ? int64_t(0) : ts);
  };
  bool stored = false;
  if (auto waiting = pending_calls_.find(t.tool_use_id); waiting != pending_calls_.end()) {
    PendingCall c = std::move(waiting->second);
    pending_calls_.erase(waiting);
    auto& q = st_->insert_call_result;
    BindCall(q, c.id, c.session, c.message_id, c.name, c.input, c.file_path, c.ts, c.is_sidechain,
             c.agent);
    bind_result(q, 10);
    q.Run();
    stored = db_.Changes() > 0;
    if (stored) {
      CountCall(c);
    } else {
      StoreCall(c);  // the id was stored before (a result first, or another writer): as below
    }
  }
  if (!stored) {
    auto& u = st_->set_result;
    u.BindRef(1, t.tool_use_id);
    bind_result(u, 2);
    u.Run();
    if (db_.Changes() == 0) {
      auto& q = st_->insert_result;
      q.BindRef(1, t.tool_use_id).BindRef(2, s.id);
      bind_result(q, 3);
      q.Bind(9, int64_t(r.is_sidechain));
      q.BindOrNull(10, r.agent_id);
      q.Run();
      if (db_.Changes() == 0) return;  // a second copy of a known result
    }
  }
  if (t.is_error) {
    ++s.tool_errors;
    ++Rollup(ts, s.id, "", s.project).tool_errors;
  }
  if (!t.agent_id.empty()) {
    st_->link_agent.Bind(1, s.id).Bind(2, t.agent_id).Bind(3, t.tool_use_id);
    st_->link_agent.Run();
  }
}

void IngestWriter::RecordSkipped(const std::string& path, int64_t offset,
                                 const std::string& reason) {
  auto& q = st_->insert_error;
  q.Bind(1, path).Bind(2, offset).Bind(3, reason.substr(0, 300)).Bind(4, NowMs());
  q.Run();
  ++pending_;
}

void IngestWriter::SetFileState(const FileState& f) {
  // Skipped lines are counted from ingest_errors so that a re-read never counts one twice.
  auto& count = st_->count_skipped;
  count.Bind(1, f.path);
  int64_t skipped = count.Step() ? count.Int(0) : 0;
  count.Reset();
  st_->reset_file_skips.Bind(1, f.path);
  st_->reset_file_skips.Run();
  auto& q = st_->file_state;
  q.Bind(1, f.path)
      .Bind(2, f.inode)
      .Bind(3, f.size)
      .Bind(4, f.offset)
      .Bind(5, f.lines)
      .Bind(6, skipped)
      .Bind(7, NowMs());
  q.Run();
}

void IngestWriter::EndFile() {
  WriteGrownTexts();
  messages_.clear();
}

void IngestWriter::WriteGrownTexts() {
  // A response's blocks arrive as separate lines: its text is stored once all are in. Rows
  // inserted by this transaction are indexed at Flush() in one pass; rows of earlier
  // transactions whose text grew are re-indexed here one by one.
  for (auto& [key, m] : messages_) {
    if (!m.text_grew) continue;
    m.text_grew = false;
    const bool old_row = m.rowid <= fts_mark_;
    if (old_row && !m.indexed.empty()) {
      if (fts_build_) {
        fts_ops_.push_back({m.rowid, m.indexed, true});
      } else {
        st_->fts_delete.Bind(1, m.rowid).Bind(2, m.indexed);
        st_->fts_delete.Run();
      }
    }
    st_->update_text.Bind(1, m.rowid).Bind(2, m.text);
    st_->update_text.Run();
    if (old_row && !m.text.empty()) {
      if (fts_build_) {
        fts_ops_.push_back({m.rowid, m.text, false});
      } else {
        st_->fts_insert.Bind(1, m.rowid).Bind(2, m.text);
        st_->fts_insert.Run();
      }
    }
    m.indexed = m.text;
  }
}

void IngestWriter::Flush() {
  // Calls whose result has not come in this transaction: stored alone, the result updates them.
  for (const auto& [id, c] : pending_calls_)
    StoreCall(c);
  pending_calls_.clear();
  WriteGrownTexts();
  // One INSERT ... SELECT tokenizes the batch's texts together: per-row inserts interleaved
  // with the other writes cost five times as much on a 1 GB import. A first import hands the
  // texts to its FtsBuild instead.
  if (fts_build_) {
    auto& q = st_->new_texts;
    q.Bind(1, fts_mark_);
    while (q.Step())
      fts_ops_.push_back({q.Int(0), q.Text(1), false});
    q.Reset();
    fts_build_->Add(std::move(fts_ops_));
    fts_ops_.clear();
  } else {
    st_->fts_index_new.Bind(1, fts_mark_);
    st_->fts_index_new.Run();
  }
  for (auto& [id, d] : sessions_) {
    SessionDelta& s = *d;
    auto& q = st_->update_session;
    q.Bind(1, s.messages)
        .Bind(2, s.assistant)
        .Bind(3, s.prompts)
        .Bind(4, s.tool_calls)
        .Bind(5, s.tool_errors)
        .Bind(6, s.subagents)
        .Bind(7, s.compactions)
        .Bind(8, s.api_errors)
        .Bind(9, s.usage.input_tokens)
        .Bind(10, s.usage.output_tokens)
        .Bind(11, s.usage.cache_read_tokens)
        .Bind(12, s.usage.cache_write_5m_tokens)
        .Bind(13, s.usage.cache_write_1h_tokens)
        .Bind(14, s.usage.cost_usd)
        .Bind(15, s.unpriced);
    if (s.min_ts == kNoTime) {
      q.BindNull(16).BindNull(17);
    } else {
      q.Bind(16, s.min_ts).Bind(17, s.max_ts);
    }
    q.Bind(18, s.first_prompt).Bind(19, s.first_prompt_at);
    q.Bind(20, s.branch)
        .Bind(21, s.version)
        .Bind(22, s.entry)
        .Bind(23, s.permission)
        .Bind(24, s.custom_title)
        .Bind(25, s.ai_title)
        .Bind(26, s.summary_title)
        .Bind(27, s.id);
    q.Run();
  }
  // In primary-key order: the upserts then walk usage_rollup's pages once instead of at random.
  std::vector<const RollupDelta*> ordered;
  ordered.reserve(rollups_.size());
  for (const auto& [key, r] : rollups_)
    ordered.push_back(&r);
  std::sort(ordered.begin(), ordered.end(), [](const RollupDelta* a, const RollupDelta* b) {
    return std::tie(a->bucket, a->session, a->model) < std::tie(b->bucket, b->session, b->model);
  });
  for (const RollupDelta* rp : ordered) {
    const RollupDelta& r = *rp;
    auto& q = st_->rollup;
    q.Bind(1, r.bucket)
        .Bind(2, r.session)
        .Bind(3, r.model)
        .Bind(4, r.project)
        .Bind(5, r.messages)
        .Bind(6, r.assistant)
        .Bind(7, r.prompts)
        .Bind(8, r.tool_calls)
        .Bind(9, r.tool_errors)
        .Bind(10, r.input)
        .Bind(11, r.output)
        .Bind(12, r.cache_read)
        .Bind(13, r.cw5)
        .Bind(14, r.cw1h)
        .Bind(15, r.cost);
    q.Run();
  }
  // model_rollup.h: the same deltas summed over sessions (keys view rollups_' strings).
  std::map<std::tuple<int64_t, std::string_view, std::string_view>, RollupDelta> by_model;
  for (const auto& [key, r] : rollups_) {
    if (r.model.empty()) continue;
    auto [it, inserted] = by_model.try_emplace({r.bucket, r.model, r.project}, r);
    if (!inserted) it->second.AddUsage(r);
  }
  for (const auto& [key, m] : by_model) {
    auto& q = st_->model_rollup;
    q.Bind(1, m.bucket)
        .Bind(2, m.model)
        .Bind(3, m.project)
        .Bind(4, m.assistant)
        .Bind(5, m.input)
        .Bind(6, m.output)
        .Bind(7, m.cache_read)
        .Bind(8, m.cw5)
        .Bind(9, m.cw1h)
        .Bind(10, m.cost);
    q.Run();
  }
  for (auto& [key, a] : agents_) {
    auto& q = st_->agent_totals;
    q.Bind(1, a.session).Bind(2, a.agent);
    if (a.min_ts == kNoTime) {
      q.BindNull(3).BindNull(4);
    } else {
      q.Bind(3, a.min_ts).Bind(4, a.max_ts);
    }
    q.Bind(5, a.messages)
        .Bind(6, a.tool_calls)
        .Bind(7, a.input)
        .Bind(8, a.output)
        .Bind(9, a.cache_read)
        .Bind(10, a.cache_write)
        .Bind(11, a.cost);
    q.Run();
  }
}

std::vector<std::string> IngestWriter::Commit() {
  std::vector<std::string> touched;
  if (!tx_open_) return touched;
  Flush();
  if (!bulk_load_) {
    RebuildPromptRollup(db_, std::vector<std::string>(prompt_dirty_.begin(), prompt_dirty_.end()));
  }
  prompt_dirty_.clear();
  db_.Exec("COMMIT");
  tx_open_ = false;
  touched.reserve(sessions_.size());
  for (auto& [id, d] : sessions_)
    touched.push_back(id);
  sessions_.clear();
  rollups_.clear();
  last_rollup_ = nullptr;
  agents_.clear();
  messages_.clear();
  project_of_cwd_.clear();
  pending_ = 0;
  return touched;
}

}  // namespace cs

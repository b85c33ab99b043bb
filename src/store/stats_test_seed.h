// Test-only: a real store in a temporary directory (OpenStore, so the shipped schema) and
// direct INSERT helpers for the statistics tests, covering the columns the stats read.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/time.h"
#include "store/db.h"
#include "store/schema.h"

namespace cs::stats_test {

// Epoch ms of an RFC 3339 time; fails the test when malformed.
inline int64_t At(const char* rfc3339) {
  auto t = ParseTimestamp(rfc3339);
  EXPECT_TRUE(t.has_value()) << rfc3339;
  return t.value_or(0);
}

struct Sess {
  std::string id = {};
  std::string project_path = "/work/alpha";
  std::string project_name = "alpha";
  std::optional<int64_t> started_at = {}, last_activity_at = {}, ended_at = {};
  int64_t unpriced_messages = 0;
  std::optional<std::string> title = {};
};

struct Roll {
  int64_t at = 0;  // any time inside the bucket; rounded down to 15 minutes
  std::string session_id = {};
  std::string model = {};  // "" for the non-assistant counts
  std::string project_path = "/work/alpha";
  int64_t messages = 0, assistant_messages = 0, user_prompts = 0, tool_calls = 0, tool_errors = 0,
          input = 0, output = 0, cache_read = 0, cw5 = 0, cw1h = 0;
  double cost = 0;
};

struct Msg {
  std::string id = {};
  std::string session_id = {};
  std::string type = "user";
  std::string kind = "prompt";
  std::optional<std::string> model = {};
  std::string text = {};
  std::optional<int64_t> timestamp = {};
  bool sidechain = false;
  double cost = 0;
  bool priced = true;
};

struct Tool {
  std::string id = {};
  std::string session_id = {};
  std::optional<std::string> name = "Bash";
  std::optional<std::string> input = "{}";
  std::optional<std::string> file_path = {};
  std::optional<int64_t> success = 1;
  std::optional<std::string> error = {};
  std::optional<int64_t> duration_ms = {};
  std::optional<int64_t> timestamp = {};
};

class StatsStore {
 public:
  StatsStore() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "csstats-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    db_ = OpenStore(dir_ + "/test.db");
  }
  ~StatsStore() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Db& db() { return *db_; }

  // Seed sessions before their rollup rows, which add to the session's totals.
  void Session(const Sess& s) {
    Stmt q(*db_,
           "INSERT INTO sessions(id, project_path, project_name, started_at, last_activity_at, "
           "ended_at, unpriced_messages, custom_title) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    q.Bind(1, s.id).Bind(2, s.project_path).Bind(3, s.project_name).Bind(4, s.started_at);
    q.Bind(5, s.last_activity_at).Bind(6, s.ended_at).Bind(7, s.unpriced_messages);
    q.Bind(8, s.title);
    q.Run();
  }

  // Also adds the row to its session's totals, as the writer does (all-time statistics read
  // them instead of the rollup); a session not seeded yet is created in the row's project.
  void Rollup(const Roll& r) {
    const int64_t b = r.at - ((r.at % kRollupBucketMs) + kRollupBucketMs) % kRollupBucketMs;
    Stmt q(*db_, R"SQL(
INSERT INTO usage_rollup(bucket, session_id, model, project_path, messages, assistant_messages,
  user_prompts, tool_calls, tool_errors, input_tokens, output_tokens, cache_read_tokens,
  cache_write_5m_tokens, cache_write_1h_tokens, cost_usd)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15))SQL");
    q.Bind(1, b).Bind(2, r.session_id).Bind(3, r.model).Bind(4, r.project_path);
    q.Bind(5, r.messages).Bind(6, r.assistant_messages).Bind(7, r.user_prompts);
    q.Bind(8, r.tool_calls).Bind(9, r.tool_errors).Bind(10, r.input).Bind(11, r.output);
    q.Bind(12, r.cache_read).Bind(13, r.cw5).Bind(14, r.cw1h).Bind(15, r.cost);
    q.Run();
    Stmt t(*db_, R"SQL(
INSERT INTO sessions(id, project_path, message_count, assistant_messages, user_prompt_count,
  tool_call_count, tool_error_count, input_tokens, output_tokens, cache_read_tokens,
  cache_write_5m_tokens, cache_write_1h_tokens, cost_usd)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT(id) DO UPDATE SET message_count=message_count+excluded.message_count,
  assistant_messages=assistant_messages+excluded.assistant_messages,
  user_prompt_count=user_prompt_count+excluded.user_prompt_count,
  tool_call_count=tool_call_count+excluded.tool_call_count,
  tool_error_count=tool_error_count+excluded.tool_error_count,
  input_tokens=input_tokens+excluded.input_tokens, output_tokens=output_tokens+excluded.output_tokens,
  cache_read_tokens=cache_read_tokens+excluded.cache_read_tokens,
  cache_write_5m_tokens=cache_write_5m_tokens+excluded.cache_write_5m_tokens,
  cache_write_1h_tokens=cache_write_1h_tokens+excluded.cache_write_1h_tokens,
  cost_usd=cost_usd+excluded.cost_usd)SQL");
    t.Bind(1, r.session_id).Bind(2, r.project_path).Bind(3, r.messages);
    t.Bind(4, r.assistant_messages).Bind(5, r.user_prompts).Bind(6, r.tool_calls);
    t.Bind(7, r.tool_errors).Bind(8, r.input).Bind(9, r.output).Bind(10, r.cache_read);
    t.Bind(11, r.cw5).Bind(12, r.cw1h).Bind(13, r.cost);
    t.Run();
  }

  void Message(const Msg& m) {
    Stmt q(*db_,
           "INSERT INTO messages(dedupe_key, id, session_id, type, kind, model, content_text, "
           "timestamp, is_sidechain, cost_usd, priced) "
           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    q.Bind(1, m.session_id + "/" + m.id).Bind(2, m.id).Bind(3, m.session_id).Bind(4, m.type);
    q.Bind(5, m.kind).Bind(6, m.model).Bind(7, m.text).Bind(8, m.timestamp);
    q.Bind(9, int64_t(m.sidechain)).Bind(10, m.cost).Bind(11, int64_t(m.priced));
    q.Run();
  }

  void ToolCall(const Tool& t) {
    Stmt q(*db_,
           "INSERT INTO tool_calls(id, session_id, tool_name, input, file_path, success, error, "
           "duration_ms, timestamp) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    q.Bind(1, t.id).Bind(2, t.session_id).Bind(3, t.name).Bind(4, t.input).Bind(5, t.file_path);
    q.Bind(6, t.success).Bind(7, t.error).Bind(8, t.duration_ms).Bind(9, t.timestamp);
    q.Run();
  }

  void Subagent(const std::string& session_id, const std::string& id,
                std::optional<std::string> agent_type, std::optional<int64_t> started_at = {}) {
    Stmt q(*db_,
           "INSERT INTO subagents(session_id, id, agent_type, started_at) VALUES(?1, ?2, ?3, ?4)");
    q.Bind(1, session_id).Bind(2, id).Bind(3, agent_type).Bind(4, started_at);
    q.Run();
  }

  void Commit(const std::string& repo, const std::string& hash, const std::string& session_id,
              int64_t committed_at) {
    Stmt q(*db_,
           "INSERT INTO commits(repo_path, hash, session_id, committed_at) VALUES(?1, ?2, ?3, ?4)");
    q.Bind(1, repo).Bind(2, hash).Bind(3, session_id).Bind(4, committed_at);
    q.Run();
  }

 private:
  std::string dir_;
  std::unique_ptr<Db> db_;
};

}  // namespace cs::stats_test

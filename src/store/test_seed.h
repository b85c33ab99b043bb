// Test-only: a real store in a temporary directory (made with OpenStore, so the schema is the
// shipped one) and helpers that insert rows directly with SQL, for the query tests.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "store/db.h"
#include "store/schema.h"

namespace cs::test {

// The seed data's epoch (ms, a whole second), shared by every test that seeds rows.
inline constexpr int64_t kT0 = 1790000000000;

struct SeedSession {
  std::string id;
  std::string project_path = "/work/alpha";
  std::string project_name = "alpha";
  std::optional<int64_t> started_at, last_activity_at, ended_at;
  int64_t input = 0, output = 0, cache_read = 0, cw5 = 0, cw1h = 0;
  double cost = 0;
  int64_t tool_calls = 0;
  std::optional<std::string> custom_title, ai_title, summary_title;
};

struct SeedMessage {
  std::string id;
  std::string session_id;
  std::string type = "user";
  std::string kind = "prompt";
  std::optional<std::string> model;
  std::string text;
  std::optional<int64_t> timestamp;
  int64_t input = 0, output = 0;
  double cost = 0;
};

struct SeedToolCall {
  std::string id;
  std::string session_id;
  std::optional<std::string> tool_name = "Bash";
  std::optional<std::string> input = R"({"command":"ls"})";
  std::optional<int64_t> success;
  std::optional<int64_t> timestamp;
  std::optional<int64_t> duration_ms;
};

class SeedStore {
 public:
  SeedStore() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "csquery-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    db_ = OpenStore(dir_ + "/test.db");
  }
  ~SeedStore() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Db& db() { return *db_; }

  void Session(const SeedSession& s) {
    Stmt q(*db_, R"SQL(
INSERT INTO sessions(id, project_path, project_name, started_at, last_activity_at, ended_at,
  input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
  cost_usd, tool_call_count, custom_title, ai_title, summary_title)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16))SQL");
    q.Bind(1, s.id).Bind(2, s.project_path).Bind(3, s.project_name);
    q.Bind(4, s.started_at).Bind(5, s.last_activity_at).Bind(6, s.ended_at);
    q.Bind(7, s.input).Bind(8, s.output).Bind(9, s.cache_read).Bind(10, s.cw5).Bind(11, s.cw1h);
    q.Bind(12, s.cost).Bind(13, s.tool_calls);
    q.Bind(14, s.custom_title).Bind(15, s.ai_title).Bind(16, s.summary_title);
    q.Run();
  }

  // Inserts the message and indexes its text, as the ingestor does.
  void Message(const SeedMessage& m) {
    Stmt q(*db_, R"SQL(
INSERT INTO messages(dedupe_key, id, session_id, type, kind, model, content_text, timestamp,
  input_tokens, output_tokens, cost_usd)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11))SQL");
    q.Bind(1, m.session_id + "/" + m.id).Bind(2, m.id).Bind(3, m.session_id).Bind(4, m.type);
    q.Bind(5, m.kind).Bind(6, m.model).Bind(7, m.text).Bind(8, m.timestamp);
    q.Bind(9, m.input).Bind(10, m.output).Bind(11, m.cost);
    q.Run();
    Stmt fts(*db_, "INSERT INTO messages_fts(rowid, content_text) VALUES(?1, ?2)");
    fts.Bind(1, db_->LastInsertRowid()).Bind(2, m.text);
    fts.Run();
  }

  void ToolCall(const SeedToolCall& t) {
    Stmt q(*db_, R"SQL(
INSERT INTO tool_calls(id, session_id, tool_name, input, success, timestamp, duration_ms)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7))SQL");
    q.Bind(1, t.id).Bind(2, t.session_id).Bind(3, t.tool_name).Bind(4, t.input);
    q.Bind(5, t.success).Bind(6, t.timestamp).Bind(7, t.duration_ms);
    q.Run();
  }

  void Rollup(const std::string& session_id, const std::string& model, int64_t bucket = 0,
              int64_t assistant_messages = 1) {
    Stmt q(*db_,
           "INSERT INTO usage_rollup(bucket, session_id, model, project_path, "
           "assistant_messages) VALUES(?1, ?2, ?3, '', ?4)");
    q.Bind(1, bucket).Bind(2, session_id).Bind(3, model).Bind(4, assistant_messages);
    q.Run();
    if (model.empty()) return;
    Stmt m(*db_,
           "INSERT INTO model_rollup(bucket, model, project_path, assistant_messages) "
           "VALUES(?1, ?2, '', ?3) ON CONFLICT DO UPDATE SET "
           "assistant_messages = assistant_messages + excluded.assistant_messages");
    m.Bind(1, bucket).Bind(2, model).Bind(3, assistant_messages);
    m.Run();
  }

  void Exec(const std::string& sql) { db_->Exec(sql); }

 private:
  std::string dir_;
  std::unique_ptr<Db> db_;
};

// What `read` returns after `rebuild` (a derived table's fill from scratch), the store left as
// it was: the rollup tests compare it with what their triggers kept.
template <typename Read>
auto ReadRebuilt(Db& db, void (*rebuild)(Db&), Read read) {
  db.Exec("SAVEPOINT rebuilt");
  rebuild(db);
  auto out = read(db);
  db.Exec("ROLLBACK TO rebuilt");
  db.Exec("RELEASE rebuilt");
  return out;
}

}  // namespace cs::test

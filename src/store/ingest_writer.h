// IngestWriter: the single write path from transcript records to the store. It applies the
// accounting rules (formats doc section 10) and keeps the derived tables (session totals,
// usage_rollup, subagent totals) in the same transaction as the rows they derive from.
//
// Contract: owns no connection; borrows the write Db, used from one thread only. Call Begin(),
// then Apply*/RecordSkipped/SetFileState, then Commit(): everything between is one
// transaction, so a crash at any moment leaves the store as of the last Commit() (per-file
// offsets included), and re-applying the same records changes nothing (every row is keyed:
// assistant messages by (message.id, requestId), other lines by uuid, tool calls by tool_use id,
// compactions by uuid). Errors are thrown as DbError; the transaction then rolls back. Rows
// may reach the table later than their line within the transaction (never after Commit()): a
// tool call waits for its result to be inserted with it, a response's text for its last block.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/pricing.h"
#include "core/records.h"
#include "store/db.h"
#include "store/fts_build.h"
#include "store/key_filter.h"

namespace cs {

// Where a record came from: what the file's name and place say about it.
struct FileContext {
  std::string path;
  std::string session_id;  // from the file name or its directory; lines' sessionId wins
  std::string agent_id;    // agent-<id>.jsonl
  bool is_subagent_file = false;
  bool is_compaction_file = false;  // agent-acompact-*.jsonl: cost of the session, not an agent
};

struct FileState {
  std::string path;
  int64_t inode = 0, size = 0, offset = 0, lines = 0;
};

// A session whose totals changed in the last committed batch (for SessionUpdate events).
struct SessionChange {
  std::string id;
};

class IngestWriter {
 public:
  IngestWriter(Db& db, const PriceBook* prices);
  ~IngestWriter();

  void Begin();
  // `line_offset` identifies lines without a uuid (path:offset).
  void Apply(const TranscriptRecord& r, const FileContext& ctx, int64_t line_offset);
  void RecordSkipped(const std::string& path, int64_t offset, const std::string& reason);
  void SetFileState(const FileState& st);
  // The file whose records were just applied has ended: its responses' texts are written and
  // forgotten, so that a transaction's memory holds one file's responses, not a batch's. A
  // later line of one of them (a resumed copy in another file) reads it back from the store.
  void EndFile();
  // Flushes the derived totals and commits. Returns the sessions touched since Begin().
  std::vector<std::string> Commit();
  bool in_transaction() const { return tx_open_; }
  int64_t pending() const { return pending_; }

  void set_prices(const PriceBook* prices) {
    prices_ = prices;
    price_match_.reset();
  }
  // During a bulk load (store/bulk_load.h) the sessions' prompt_rollup rows are left for
  // RestoreIndexes() to rebuild at once: their per-session rebuild needs the deferred indexes.
  // The store held no message when it began, so a response key this writer has not stored
  // needs no lookup (the insert still checks: another process may write the same store).
  void set_bulk_load(bool on);
  // While set, the full-text index is left to `build` (store/fts_build.h): each Commit() hands
  // it the batch's new texts, and the changes to texts indexed before, instead of writing
  // messages_fts. Not owned; unset it before `build` finishes.
  void set_fts_build(FtsBuild* build) {
    fts_build_ = build;
    fts_ops_.clear();
  }

 private:
  struct Statements;
  struct SessionDelta;
  struct RollupDelta;
  struct AgentDelta;
  struct MessageState;
  struct PendingCall;

  SessionDelta& Session(const std::string& id, const TranscriptRecord& r);
  const std::string& ProjectFor(const std::string& cwd);
  void Touch(SessionDelta& s, const TranscriptRecord& r);
  void ApplyAssistant(const TranscriptRecord& r, const FileContext& ctx, SessionDelta& s,
                      int64_t line_offset);
  void ApplyUser(const TranscriptRecord& r, const FileContext& ctx, SessionDelta& s,
                 int64_t line_offset);
  void ApplyToolUses(const TranscriptRecord& r, SessionDelta& s, const std::string& message_id,
                     const std::string& agent);
  void ApplyToolResult(const ToolResultRecord& t, const TranscriptRecord& r, SessionDelta& s);
  MessageState* LoadMessage(const std::string& key);
  // Upserts a call row without its result; counts it when it is new. Returns whether it was.
  bool StoreCall(const PendingCall& c);
  void CountCall(const PendingCall& c);
  RollupDelta& Rollup(int64_t ts, const std::string& session, const std::string& model,
                      const std::string& project);
  AgentDelta* Agent(const std::string& session, const std::string& agent, int64_t ts);
  double PriceOf(const std::string& model, const Usage& u, const std::optional<double>& legacy,
                 bool* priced);
  void Flush();
  void WriteGrownTexts();

  Db& db_;
  const PriceBook* prices_;
  // PriceOf()'s last model and what it matched in prices_ (nullptr: no price).
  std::string price_model_;
  std::optional<const ModelPrice*> price_match_;
  std::unique_ptr<Statements> st_;
  bool tx_open_ = false;
  int64_t pending_ = 0;
  int64_t fts_mark_ = 0;  // largest messages rowid when the transaction began
  std::unordered_map<std::string, std::unique_ptr<SessionDelta>> sessions_;
  std::unordered_map<std::string, RollupDelta> rollups_;
  RollupDelta* last_rollup_ = nullptr;  // the entry Rollup() returned last
  std::unordered_map<std::string, AgentDelta> agents_;
  std::unordered_map<std::string, MessageState> messages_;  // this transaction's assistants
  // Tool calls of this transaction still waiting for their result, by tool_use id.
  std::unordered_map<std::string, PendingCall> pending_calls_;
  KeyFilter stored_messages_;  // response keys stored by this bulk load
  // Sessions whose prompts or answer costs changed in this transaction (prompt_rollup.h).
  std::unordered_set<std::string> prompt_dirty_;
  bool bulk_load_ = false;
  FtsBuild* fts_build_ = nullptr;
  std::vector<FtsOp> fts_ops_;  // for fts_build_, in the order they were made
  // The project of each cwd met in this transaction: a look costs a stat per directory level,
  // and a project's sessions share their cwd. Cleared at Commit() so a new repository shows.
  std::unordered_map<std::string, std::string> project_of_cwd_;
  // Project path of every session seen by this writer (sessions never change project).
  std::unordered_map<std::string, std::string> projects_;
};

// The agent id a sidechain record is accounted to, or "" when it belongs to no subagent
// (main-thread lines, inline v1 sidechains without an id, compaction calls).
std::string SubagentIdOf(const TranscriptRecord& r, const FileContext& ctx);

}  // namespace cs

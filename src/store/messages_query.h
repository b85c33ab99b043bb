// Message, tool-call and subagent rows as the API exposes them (docs/api-contract.md section 2),
// and the paged lists of GET /api/messages, /api/tool-calls and /api/subagents.
//
// Contract: read-only queries on any connection, thread-compatible (one Db per thread). Lists
// are ordered by time, then by a unique key (messages: rowid, tool calls and subagents: id), in
// the requested direction, and counted in the same read transaction as the page, so `total`
// always agrees with the rows. Times are RFC 3339 UTC strings or null; money is rounded to 6
// decimals. A DbError means an internal fault.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "store/db.h"

namespace cs {

// The select list of one Message (with table alias `m`), and its JSON built from a row whose
// columns start at `first`. Shared with the session detail and search queries.
extern const char* const kMessageColumns;
inline constexpr int kMessageColumnCount = 16;
nlohmann::ordered_json MessageJson(const Stmt& q, int first = 0);

// Same for a ToolCall (alias `t`); `input` is the stored JSON parsed back (null if unparseable).
extern const char* const kToolCallColumns;
inline constexpr int kToolCallColumnCount = 15;
nlohmann::ordered_json ToolCallJson(const Stmt& q, int first = 0);

// Same for a Subagent (alias `a`); total_tokens = input + output + cache read + cache write.
extern const char* const kSubagentColumns;
inline constexpr int kSubagentColumnCount = 11;
nlohmann::ordered_json SubagentJson(const Stmt& q, int first = 0);

// Helpers for rows: RFC 3339 or null, and USD rounded to 6 decimals.
nlohmann::ordered_json TimeOrNull(const Stmt& q, int col);
nlohmann::ordered_json TextOrNull(const Stmt& q, int col);
double RoundMoney(double usd);

// A conjunction of SQL conditions built from fixed fragments with anonymous `?` placeholders,
// with their values kept beside them: the query text never contains a user value.
class SqlConditions {
 public:
  using Value = std::variant<int64_t, std::string>;
  void Add(std::string fragment, std::vector<Value> values = {});
  // " WHERE a AND b", or "" when there is no condition.
  std::string Where() const;
  // Binds the values from index `first`; returns the next free index.
  int Bind(Stmt& q, int first = 1) const;

 private:
  std::vector<std::string> fragments_;
  std::vector<Value> values_;
};

// The `project` filter of the contract on a sessions table aliased `s`: the exact project_path,
// or, when no session has that path, the project name.
void AddProjectCondition(SqlConditions& where, const std::string& project);
// The `model` filter: the session whose id is `session_id_column` had a counted response of that
// model. The usage rollup holds every counted response's model, so no message is scanned.
void AddModelCondition(SqlConditions& where, const std::string& session_id_column,
                       const std::string& model);

struct ListPage {
  int64_t limit = 50;
  int64_t offset = 0;
  bool descending = false;
};

struct MessageListFilter {
  std::optional<std::string> session_id;
  std::optional<std::string> type;  // user|assistant|system, validated by the caller
  ListPage page;
};
// {"messages":[Message], "total", "limit", "offset"}; order: timestamp, then rowid.
nlohmann::ordered_json ListMessages(Db& db, const MessageListFilter& f);

struct ToolCallListFilter {
  std::optional<std::string> session_id;
  std::optional<std::string> tool_name;
  std::optional<bool> success;  // false also matches nothing still pending (success NULL)
  ListPage page;
};
// {"tool_calls":[ToolCall], "total", "limit", "offset"}; only calls whose tool_use was seen
// (a result without its call is not listed); order: timestamp, then id.
nlohmann::ordered_json ListToolCalls(Db& db, const ToolCallListFilter& f);

struct SubagentListFilter {
  std::optional<std::string> session_id;
  std::optional<std::string> project;  // the run's session's project (AddProjectCondition)
  std::optional<std::string> model;    // runs of sessions whose models include it
  std::optional<int64_t> from_ms;      // started_at >= from_ms (inclusive)
  std::optional<int64_t> to_ms;        // started_at < to_ms (exclusive)
  ListPage page;
};
// {"subagents":[Subagent], "total", "limit", "offset"}; order: started_at, then session_id, id.
// A date bound leaves out runs whose start is unknown.
nlohmann::ordered_json ListSubagents(Db& db, const SubagentListFilter& f);

}  // namespace cs

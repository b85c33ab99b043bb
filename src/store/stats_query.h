// The statistics behind GET /api/stats/... (docs/api-contract.md section 3).
//
// Contract: read-only queries on any connection (a reader), thread-compatible (one Db per
// thread). Each function takes the already validated filter (project, from_ms, to_ms, tz) and,
// where "today" or "the last N days" matter, the current time, so that tests are deterministic.
// Bad values were refused by the caller (server/params.h); an unknown session id for
// SessionBreakdown throws RequestError 404. Money is USD rounded to 6 decimals, ratios are
// rounded to 6 decimals, times are RFC 3339 UTC or null. Every list has a stable order.
//
// Where the figures come from:
//   - Period totals (StatsSummary, DailyStats, ModelStats, ProjectStats, TokenEfficiency) read
//     only usage_rollup (15-minute buckets kept by the ingestor), never the messages table. A
//     bucket is in range when from <= bucket < to. Days are the buckets' calendar days in the
//     filter's zone (zone offsets are multiples of 15 minutes, so a bucket never straddles two
//     days). `sessions` counts the distinct sessions with rollup rows in the range. The
//     all-time blocks (StatsSummary's `total`, ProjectStats without dates) read the same sums
//     from the sessions table when no model narrows them: the writer keeps a session's totals
//     equal to its rollup rows', and there are ~13 times fewer sessions than rollup rows.
//   - Tool, skill, MCP, error and file figures read tool_calls (timestamp in range; the
//     project through the calls' sessions). Calls whose tool_use was never seen (tool_name
//     NULL) are left out. An error is a call whose result has is_error (success = 0).
//   - `model` (QueryFilter::model), when set, narrows the rollup-based figures (StatsSummary,
//     DailyStats, ModelStats, ProjectStats, TokenEfficiency) to that model's rows: its
//     assistant messages, tokens and cost (tool calls and user messages belong to no model, so
//     they count 0). The dashboard uses it for cost over time per model. Other endpoints
//     ignore it.
//   - `project` matches sessions.project_path exactly, else, when no session has that path,
//     the project name (every path of the sessions with that name).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/pricing.h"
#include "core/time.h"
#include "store/db.h"
#include "store/query_filter.h"

namespace cs {

// GET /api/stats: {period_label: "today"|"filtered", today|filtered: Block, total: Block,
// active_sessions}. Block: {sessions, messages, tool_calls, input_tokens, output_tokens,
// cache_read_tokens, cache_write_tokens, total_tokens, cost_usd}. Without from/to the period is
// the current calendar day in f.tz ("today"); with either, [from, to) ("filtered"). `total`
// ignores from/to but keeps the project filter. active_sessions: sessions without an end whose
// last activity is within `active_window_ms` of now (project filter applies).
nlohmann::ordered_json StatsSummary(Db& db, const QueryFilter& f, int64_t now_ms,
                                    int64_t active_window_ms);

// GET /api/stats/daily: [{date, sessions, messages, tool_calls, input_tokens, output_tokens,
// cache_read_tokens, cache_write_tokens, total_tokens, cost_usd}], one row per calendar day in
// f.tz, days without activity included, oldest first. The last day is the day of `to` (the day
// holding to_ms - 1) or today; the first is `days - 1` days before it, or the day of `from`
// when `from` is given (then `days` only caps the span). At most kMaxStatsDays rows.
inline constexpr int64_t kDefaultStatsDays = 90;
inline constexpr int64_t kMaxStatsDays = 3660;
nlohmann::ordered_json DailyStats(Db& db, const QueryFilter& f, std::optional<int64_t> days,
                                  int64_t now_ms);

// GET /api/stats/tools: [{name, calls, errors, success_rate, avg_duration_ms, p95_duration_ms}]
// by calls desc, then name. success_rate = (calls - errors) / calls (a call still waiting for
// its result counts as no error); durations over the calls that have one (null when none);
// p95 is the nearest-rank percentile.
nlohmann::ordered_json ToolStats(Db& db, const QueryFilter& f);

// GET /api/stats/models: [{name, messages, input_tokens, output_tokens, cache_read_tokens,
// cache_write_tokens, total_tokens, cost_usd, unpriced}] by cost desc, then name; `<synthetic>`
// and the non-assistant rows (model '') are left out. `unpriced` is true when some message of
// that model could not be priced (found through sessions.unpriced_messages, so cheap).
nlohmann::ordered_json ModelStats(Db& db, const QueryFilter& f);

// GET /api/stats/projects: [{path, name, sessions, messages, total_tokens, cost_usd,
// last_activity_at, commits, cost_per_commit}] by cost desc, then path. commits: commits linked
// to the project's sessions (committed in range when a range is given); cost_per_commit is null
// without commits.
nlohmann::ordered_json ProjectStats(Db& db, const QueryFilter& f);

// GET /api/stats/skills: [{name, count, source: "tool"|"command"}] by count desc, then name,
// then source. "tool": Skill tool calls, named by input.skill (else input.command); "command":
// user messages of kind 'command', named by the "/x" of <command-name>/x</command-name>.
nlohmann::ordered_json SkillStats(Db& db, const QueryFilter& f);

// GET /api/stats/mcp: {servers:[{name, calls, errors, tools:[{name, calls}]}]} from tool names
// mcp__<server>__<tool>; servers and tools by calls desc, then name.
nlohmann::ordered_json McpStats(Db& db, const QueryFilter& f);

// GET /api/stats/errors: {total_errors, total_calls, error_rate, errors_by_tool[{tool, errors,
// total, rate}] (tools with at least one error, by errors desc, then tool), common_errors[
// {pattern, count, tools[]}] (at most kMaxCommonErrors, by count desc, then pattern; grouped by
// NormaliseErrorText, the pattern is the first original text of the group cut to 200
// characters), error_trend[{date, errors, total}]} (the 30 days ending on the day of `to`, or
// today, zero-filled; project filter applies, from does not).
inline constexpr std::size_t kMaxCommonErrors = 20;
nlohmann::ordered_json ErrorStats(Db& db, const QueryFilter& f, int64_t now_ms);

// GET /api/stats/token-efficiency: {cache_hit_rate, avg_input_tokens_per_message,
// avg_output_tokens_per_message, avg_tokens_per_tool_call, cache_read_tokens,
// cache_savings_tokens, cache_savings_usd, efficiency_by_model[{model, messages,
// cache_hit_rate, avg_input_tokens, avg_output_tokens, cache_read_tokens, cache_savings_tokens,
// cache_savings_usd}]} (models by cache_savings_usd desc, then model).
//   cache_hit_rate = cache_read / (cache_read + cache_write + input), 0 when nothing was read;
//   averages are per assistant message; avg_tokens_per_tool_call = all tokens / tool calls;
//   cache_savings_tokens = the tokens read from cache (they were not paid at the input rate);
//   cache_savings_usd = sum over models of cache_read x (input rate - cache read rate) / 1e6
//   with the model's base rates from `prices` (an unpriced model saves 0).
nlohmann::ordered_json TokenEfficiency(Db& db, const QueryFilter& f, const PriceBook& prices);

// GET /api/stats/prompt-patterns: {categories:[{name, count, percentage, avg_cost_usd}],
// trends:[{date, counts:{<category>: n}}]}. Only human prompts (type 'user', kind 'prompt',
// not sidechain) in range. Each prompt gets exactly one category: the first of the table in
// PromptCategory (prompt_rollup.cc) with a keyword that occurs as a whole word
// (case-insensitive, words are runs of ASCII letters and digits), else "other".
//   bug_fix   fix fixes fixed fixing bug bugs error errors failing fails fail failed broken
//             crash crashes crashing regression
//   testing   test tests testing spec specs coverage unittest
//   refactor  refactor refactoring rename clean cleanup simplify duplication restructure
//   docs      readme docs doc documentation document comments changelog
//   review    review security audit vulnerability
//   devops    docker compose deploy deployment ci pipeline kubernetes terraform
//   feature   add implement create build new support introduce
//   explain   explain why how what understand
// categories: every category of the table (and "other"), by count desc then table order;
// percentage = 100 x count / prompts (rounded to 2 decimals). avg_cost_usd: the average cost
// of the assistant messages (main chain and subagents) that follow a prompt in its session up
// to the next human prompt; with a range, the prompts and the answers in range (an answer in
// range may answer a prompt before it). Read from prompt_rollup (prompt_rollup.h).
// trends: one row per day (in f.tz) from the first to the last day with a prompt (at most the
// last kMaxStatsDays of them), zero-filled; counts hold every category.
nlohmann::ordered_json PromptPatterns(Db& db, const QueryFilter& f);
// The category of one prompt text (exposed for tests).
std::string PromptCategory(std::string_view text);

// GET /api/stats/file-heatmap: {files:[{path, reads, writes, edits, searches, total}] (top 50
// by total desc, then path), directories:[{path, total}] (top 20 by total desc, then path)}.
// From Read (reads), Write (writes), Edit/MultiEdit/NotebookEdit (edits) file paths and
// Grep/Glob (searches) input.path, in the sessions of `project` (required by the caller). Paths
// are made relative to the project root ("." is the root itself); paths outside the project
// are left out; a relative path is taken as relative to the root. A directory's total is the
// sum of the totals of the files directly in it.
nlohmann::ordered_json FileHeatmap(Db& db, const QueryFilter& f);

// GET /api/stats/session-breakdown and /api/stats/project-breakdown: {tools[], skills[],
// mcp_servers[], agents[]}, each [{name, count}] by count desc, then name. tools: tool calls
// by name; skills: as SkillStats (both sources merged by name); mcp_servers: calls per MCP
// server; agents: subagents by agent_type ("unknown" when not known).
nlohmann::ordered_json SessionBreakdown(Db& db, const std::string& session_id);
nlohmann::ordered_json ProjectBreakdown(Db& db, const QueryFilter& f);

// GET /api/stats/active-sessions: {sessions:[{id, project_path, project_name, title,
// git_branch, started_at, last_activity_at, message_count, tool_call_count, total_tokens,
// estimated_cost_usd}], count}: sessions without an end whose last activity is at or after
// now - window, most recent first (ties by id); project filter applies.
nlohmann::ordered_json ActiveSessions(Db& db, const QueryFilter& f, int64_t now_ms,
                                      int64_t active_window_ms);

}  // namespace cs

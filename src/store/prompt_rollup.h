// prompt_rollup: what /api/stats/prompt-patterns reports, summed per (session, 15-minute
// bucket, prompt category) so that the endpoint reads a few thousand rows instead of scanning
// every message (0.6 s on a 1 GB store). Derived data: always what RebuildPromptRollup computes
// from `messages`.
//
// Rules (the same walk the endpoint used to do at query time): a session's human prompts (type
// 'user', kind 'prompt', not sidechain) and assistant messages in time order; each prompt
// counts once in its category at its own bucket; each assistant message's cost goes to the
// category of the latest prompt before it in its session, at the message's bucket (cost before
// a session's first prompt belongs to no category). Rows with no timestamp use bucket
// kNoPromptBucket (counted in all-time totals, never in a range or a day).
//
// Contract: takes the write connection inside the caller's transaction; throws DbError.
// Per-session rebuilds read through the messages_session index, so a bulk load (whose indexes
// are deferred) rebuilds everything once at the end instead (store/bulk_load.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"

namespace cs {

inline constexpr int64_t kNoPromptBucket = std::numeric_limits<int64_t>::min();

// Category names in table order; index size() is "other". See PromptPatterns (stats_query.h).
const std::vector<const char*>& PromptCategoryNames();
// Index into PromptCategoryNames(), or its size() for "other".
std::size_t PromptCategoryIndex(std::string_view text);

// Recomputes every session's rows.
void RebuildPromptRollup(Db& db);
// Recomputes the rows of these sessions only.
void RebuildPromptRollup(Db& db, const std::vector<std::string>& session_ids);

}  // namespace cs

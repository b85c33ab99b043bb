// Full-text search over message text (GET /api/search and the `search` filter of
// GET /api/sessions), on the FTS5 table messages_fts (external content over messages).
//
// Contract: the user's query is plain words and "quoted phrases", all of which must match
// (AND). It is never handed to FTS5 as syntax: BuildFtsMatch turns every word and phrase into an
// FTS5 string literal, so operators (AND, OR, NOT, NEAR, *, ^, col:, parentheses) in user text
// are searched as words, or ignored when they are only punctuation. Read-only; thread-compatible.
//
// Snippets mark each matched term as [term] and elide cut text with '…' (at most 12 tokens
// around the best match). `rank` is -bm25(): higher is better; results are best first, ties by
// message rowid (insertion order).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "store/db.h"

namespace cs {

inline constexpr std::size_t kMaxSearchBytes = 4096;
inline constexpr std::size_t kMaxSearchTerms = 64;

// The FTS5 MATCH expression for a user query: each word or phrase as a quoted string, joined by
// spaces. Returns "" when q holds no word (only spaces or empty quotes). Throws
// RequestError 400 on `field` when q is longer than kMaxSearchBytes or has more than
// kMaxSearchTerms terms.
std::string BuildFtsMatch(std::string_view q, const std::string& field = "q");

struct SearchFilter {
  std::string q;
  std::optional<std::string> session_id;
  std::optional<std::string> project;  // exact project_path, else project name
  std::optional<std::string> type;     // user|assistant|system, validated by the caller
  int64_t limit = 50;
  int64_t offset = 0;
};

// {"results":[{Message fields..., project_path, snippet, rank}], "total", "limit", "offset"}.
// An empty q is a RequestError 400 on "q"; a q without words answers no results; a query that
// FTS5 still refuses is a 400, never an internal error.
nlohmann::ordered_json SearchMessages(Db& db, const SearchFilter& f);

}  // namespace cs

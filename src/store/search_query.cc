#include "store/search_query.h"

#include <vector>

#include "core/errors.h"
#include "store/messages_query.h"

namespace cs {

using nlohmann::ordered_json;

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string QuoteFts(std::string_view token) {
  std::string out = "\"";
  for (char c : token) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

std::string BuildFtsMatch(std::string_view q, const std::string& field) {
  if (q.size() > kMaxSearchBytes) {
    throw RequestError::BadParam(
        field, field + " is too long (at most " + std::to_string(kMaxSearchBytes) + " bytes)");
  }
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < q.size()) {
    if (IsSpace(q[i])) {
      ++i;
    } else if (q[i] == '"') {
      // A phrase runs to the closing quote; an unclosed one runs to the end, which is what a
      // person who forgot the closing quote meant.
      std::size_t end = q.find('"', i + 1);
      if (end == std::string_view::npos) end = q.size();
      tokens.push_back(q.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      std::size_t end = i;
      while (end < q.size() && !IsSpace(q[end]) && q[end] != '"')
        ++end;
      tokens.push_back(q.substr(i, end - i));
      i = end;
    }
  }
  std::string match;
  std::size_t terms = 0;
  for (auto t : tokens) {
    bool blank = true;
    for (char c : t)
      blank = blank && IsSpace(c);
    if (blank) continue;
    if (++terms > kMaxSearchTerms) {
      throw RequestError::BadParam(
          field, field + " has too many terms (at most " + std::to_string(kMaxSearchTerms) + ")");
    }
    if (!match.empty()) match += ' ';
    match += QuoteFts(t);
  }
  return match;
}

ordered_json SearchMessages(Db& db, const SearchFilter& f) {
  if (f.q.empty()) throw RequestError::BadParam("q", "q is required");
  const std::string match = BuildFtsMatch(f.q);
  ordered_json out;
  out["results"] = ordered_json::array();
  out["total"] = 0;
  out["limit"] = f.limit;
  out["offset"] = f.offset;
  if (match.empty()) return out;

  SqlConditions where;
  where.Add("messages_fts MATCH ?", {match});
  if (f.session_id) where.Add("m.session_id = ?", {*f.session_id});
  if (f.type) where.Add("m.type = ?", {*f.type});
  if (f.project) AddProjectCondition(where, *f.project);
  const std::string from =
      " FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid "
      "LEFT JOIN sessions s ON s.id = m.session_id";
  try {
    Transaction snapshot(db, /*immediate=*/false);
    {
      Stmt q(db, "SELECT count(*)" + from + where.Where());
      where.Bind(q);
      if (q.Step()) out["total"] = q.Int(0);
    }
    // `score` rather than `rank`: rank is a hidden column of every FTS5 table.
    Stmt q(db, std::string("SELECT ") + kMessageColumns +
                   ", coalesce(s.project_path, ''), "
                   "snippet(messages_fts, 0, '[', ']', '…', 12), bm25(messages_fts) AS score" +
                   from + where.Where() + " ORDER BY score, m.rowid LIMIT ? OFFSET ?");
    int next = where.Bind(q);
    q.Bind(next, f.limit).Bind(next + 1, f.offset);
    while (q.Step()) {
      ordered_json row = MessageJson(q, 0);
      row["project_path"] = q.Text(kMessageColumnCount);
      row["snippet"] = q.Text(kMessageColumnCount + 1);
      row["rank"] = -q.Real(kMessageColumnCount + 2);
      out["results"].push_back(std::move(row));
    }
  } catch (const DbError&) {
    // Every term is a quoted string, so this should not happen; if FTS5 still refuses the
    // expression, it is the query that is at fault, not the server.
    throw RequestError::BadParam("q", "q could not be searched; use plain words and \"phrases\"");
  }
  return out;
}

}  // namespace cs

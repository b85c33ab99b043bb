#include "store/prompt_rollup.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "store/schema.h"

namespace cs {

namespace {

struct Category {
  const char* name;
  std::vector<std::string_view> keywords;
};

// The table documented in stats_query.h; the first category with a matching word wins.
const std::vector<Category>& Categories() {
  static const std::vector<Category> table = {
      {"bug_fix",
       {"fix", "fixes", "fixed", "fixing", "bug", "bugs", "error", "errors", "failing", "fails",
        "fail", "failed", "broken", "crash", "crashes", "crashing", "regression"}},
      {"testing", {"test", "tests", "testing", "spec", "specs", "coverage", "unittest"}},
      {"refactor",
       {"refactor", "refactoring", "rename", "clean", "cleanup", "simplify", "duplication",
        "restructure"}},
      {"docs", {"readme", "docs", "doc", "documentation", "document", "comments", "changelog"}},
      {"review", {"review", "security", "audit", "vulnerability"}},
      {"devops",
       {"docker", "compose", "deploy", "deployment", "ci", "pipeline", "kubernetes", "terraform"}},
      {"feature", {"add", "implement", "create", "build", "new", "support", "introduce"}},
      {"explain", {"explain", "why", "how", "what", "understand"}},
  };
  return table;
}

// One session's rows, keyed by (bucket, category).
using SessionRows = std::map<std::pair<int64_t, int64_t>, std::pair<int64_t, double>>;

// Walks rows of (session_id, timestamp, is_prompt, prompt text, cost) in session and time order
// and writes each session's sums.
class Walker {
 public:
  explicit Walker(Db& db)
      : project_(db, "SELECT project_path FROM sessions WHERE id = ?1"),
        insert_(db,
                "INSERT INTO prompt_rollup(session_id, bucket, category, project_path, prompts, "
                "cost_usd) VALUES(?1, ?2, ?3, ?4, ?5, ?6)") {}

  static constexpr int64_t kAnswer = -1;  // an assistant message's category in Add()

  void Row(const Stmt& q) {
    Add(q.TextView(0), q.IsNull(1) ? kNoPromptBucket : RollupBucketOf(q.Int(1)), CategoryOf(q),
        q.Real(4));
  }
  // The category of a walked row (kWalkColumns): its prompt's, or kAnswer.
  static int64_t CategoryOf(const Stmt& q) {
    if (q.Int(2) == 0) return kAnswer;
    return int64_t(PromptCategoryIndex(q.IsNull(3) ? std::string_view() : q.TextView(3)));
  }
  // A message of session `sid` in its walk order: a prompt of `category`, or (kAnswer) an
  // assistant message costing `cost`.
  void Add(std::string_view sid, int64_t bucket, int64_t category, double cost) {
    if (sid != session_) {
      Finish();
      session_ = std::string(sid);
    }
    if (category != kAnswer) {
      current_ = category;
      ++rows_[{bucket, *current_}].first;
    } else if (current_) {
      rows_[{bucket, *current_}].second += cost;
    }
  }

  void Finish() {
    current_.reset();
    if (rows_.empty()) return;
    project_.Bind(1, session_);
    const std::string project = project_.Step() ? project_.Text(0) : std::string();
    project_.Reset();
    for (const auto& [key, sums] : rows_) {
      insert_.Bind(1, session_)
          .Bind(2, key.first)
          .Bind(3, key.second)
          .Bind(4, project)
          .Bind(5, sums.first)
          .Bind(6, sums.second);
      insert_.Run();
    }
    rows_.clear();
  }

 private:
  Stmt project_, insert_;
  std::string session_;
  std::optional<int64_t> current_;  // category of the session's latest prompt
  SessionRows rows_;
};

// The messages the walk reads (without ORDER BY and WHERE's session condition): their columns,
// then the rest of the query.
constexpr const char* kWalkColumns =
    "session_id, timestamp, type = 'user', CASE WHEN type = 'user' THEN content_text END, "
    "cost_usd";
constexpr const char* kWalkFrom =
    " FROM messages WHERE (type = 'assistant' OR (type = 'user' AND kind = 'prompt' AND "
    "is_sidechain = 0))";

}  // namespace

const std::vector<const char*>& PromptCategoryNames() {
  static const std::vector<const char*> names = [] {
    std::vector<const char*> n;
    for (const auto& c : Categories())
      n.push_back(c.name);
    return n;
  }();
  return names;
}

std::size_t PromptCategoryIndex(std::string_view text) {
  const auto& table = Categories();
  std::size_t best = table.size();
  std::string word;
  auto consider = [&] {
    if (word.empty()) return;
    for (std::size_t c = 0; c < best; ++c) {
      for (auto k : table[c].keywords) {
        if (k == word) {
          best = c;
          break;
        }
      }
    }
    word.clear();
  };
  for (char ch : text) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (u < 0x80 && std::isalnum(u)) {
      word.push_back(char(std::tolower(u)));
    } else {
      consider();
      if (best == 0) break;
    }
  }
  consider();
  return best;
}

void RebuildPromptRollup(Db& db) {
  db.Exec("DELETE FROM prompt_rollup");
  // The messages in storage order, sorted here: walking the messages_session index instead
  // looked every row up at random (0.23-0.38 s of a 1 GB first import's end, where the writer
  // works alone). Prompts keep their category, not their text.
  struct Item {
    int32_t session;
    bool timed;
    int64_t ts, rowid, category;
    double cost;
  };
  std::vector<std::string> names;
  std::unordered_map<std::string, int32_t> ids;
  std::vector<Item> items;
  Stmt q(db, std::string("SELECT ") + kWalkColumns + ", rowid" + kWalkFrom);
  int32_t session = -1;
  while (q.Step()) {
    // A session's lines are mostly stored together (a file at a time).
    std::string_view sid = q.TextView(0);
    if (session < 0 || sid != names[size_t(session)]) {
      auto [it, added] = ids.try_emplace(std::string(sid), int32_t(names.size()));
      if (added) names.emplace_back(sid);
      session = it->second;
    }
    items.push_back({session, !q.IsNull(1), q.IsNull(1) ? 0 : q.Int(1), q.Int(5),
                     Walker::CategoryOf(q), q.Real(4)});
  }
  // ORDER BY timestamp, rowid within a session: no time first, as SQL sorts NULL.
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return std::tie(a.session, a.timed, a.ts, a.rowid) <
           std::tie(b.session, b.timed, b.ts, b.rowid);
  });
  Walker walk(db);
  for (const Item& i : items)
    walk.Add(names[i.session], i.timed ? RollupBucketOf(i.ts) : kNoPromptBucket, i.category,
             i.cost);
  walk.Finish();
}

void RebuildPromptRollup(Db& db, const std::vector<std::string>& session_ids) {
  if (session_ids.empty()) return;
  Stmt del(db, "DELETE FROM prompt_rollup WHERE session_id = ?1");
  Stmt q(db, std::string("SELECT ") + kWalkColumns + kWalkFrom +
                 " AND session_id = ?1 ORDER BY timestamp, rowid");
  Walker walk(db);
  for (const auto& id : session_ids) {
    del.Bind(1, id);
    del.Run();
    q.Bind(1, id);
    while (q.Step())
      walk.Row(q);
    q.Reset();
    walk.Finish();
  }
}

}  // namespace cs

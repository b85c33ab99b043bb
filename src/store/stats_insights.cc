// /api/stats/prompt-patterns: human prompts by category (whole-word keywords) and by day.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <unordered_map>

#include "store/stats_internal.h"
#include "store/stats_query.h"

namespace cs {

using nlohmann::ordered_json;
using namespace stats;

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

constexpr const char* kOther = "other";

// Index into Categories(), or Categories().size() for "other".
std::size_t CategoryIndex(std::string_view text) {
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

}  // namespace

std::string PromptCategory(std::string_view text) {
  std::size_t i = CategoryIndex(text);
  return i < Categories().size() ? Categories()[i].name : kOther;
}

ordered_json PromptPatterns(Db& db, const QueryFilter& f) {
  Transaction snapshot(db, /*immediate=*/false);
  auto paths = ResolveProject(db, f.project);
  const auto& table = Categories();
  const std::size_t n_cat = table.size() + 1;
  SqlConditions where;
  where.Add(
      "m.type = 'assistant' OR (m.type = 'user' AND m.kind = 'prompt' AND m.is_sidechain = 0)");
  AddSessionScope(where, f, paths, "m", "timestamp");
  Stmt q(db,
         "SELECT m.session_id, m.timestamp, m.type = 'user', CASE WHEN m.type = 'user' THEN "
         "m.content_text END, m.cost_usd FROM messages m" +
             where.Where() + " ORDER BY m.session_id, m.timestamp, m.rowid");
  where.Bind(q);

  std::vector<int64_t> counts(n_cat, 0);
  std::vector<double> costs(n_cat, 0);
  std::map<int64_t, std::vector<int64_t>> by_day;
  DayMapper mapper(f.tz);
  std::string session;
  std::optional<std::size_t> current;  // category of the session's latest prompt
  int64_t prompts = 0;
  while (q.Step()) {
    std::string_view sid = q.TextView(0);
    if (sid != session) {
      session = std::string(sid);
      current.reset();
    }
    if (q.Int(2) != 0) {
      std::size_t c = CategoryIndex(q.IsNull(3) ? std::string_view() : q.TextView(3));
      ++counts[c];
      ++prompts;
      current = c;
      if (!q.IsNull(1)) {
        auto& day = by_day[mapper.DayOf(q.Int(1))];
        if (day.empty()) day.assign(n_cat, 0);
        ++day[c];
      }
    } else if (current) {
      costs[*current] += q.Real(4);
    }
  }

  auto name_of = [&](std::size_t i) { return i < table.size() ? table[i].name : kOther; };
  std::vector<std::size_t> order(n_cat);
  for (std::size_t i = 0; i < n_cat; ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return counts[a] > counts[b]; });
  ordered_json cats = ordered_json::array();
  for (std::size_t i : order) {
    double pct = prompts ? std::round(100.0 * double(counts[i]) / double(prompts) * 100) / 100 : 0;
    cats.push_back({{"name", name_of(i)},
                    {"count", counts[i]},
                    {"percentage", pct},
                    {"avg_cost_usd", counts[i] ? RoundMoney(costs[i] / double(counts[i])) : 0.0}});
  }
  ordered_json trends = ordered_json::array();
  if (!by_day.empty()) {
    int64_t last = by_day.rbegin()->first;
    int64_t first = std::max(by_day.begin()->first, last - (kMaxStatsDays - 1));
    for (int64_t d = first; d <= last; ++d) {
      auto it = by_day.find(d);
      ordered_json day_counts;
      for (std::size_t i = 0; i < n_cat; ++i)
        day_counts[name_of(i)] = it == by_day.end() ? 0 : it->second[i];
      trends.push_back({{"date", CivilDay::FromDaysSinceEpoch(d).ToString()},
                        {"counts", std::move(day_counts)}});
    }
  }
  ordered_json out;
  out["categories"] = std::move(cats);
  out["trends"] = std::move(trends);
  return out;
}

}  // namespace cs

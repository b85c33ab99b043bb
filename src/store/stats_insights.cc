// /api/stats/prompt-patterns: human prompts by category (whole-word keywords) and by day, from
// the writer's prompt_rollup.
#include <algorithm>
#include <cmath>
#include <map>

#include "store/prompt_rollup.h"
#include "store/stats_internal.h"
#include "store/stats_query.h"

namespace cs {

using nlohmann::ordered_json;
using namespace stats;

namespace {

// The name of category index `i` (PromptCategoryIndex): a table entry, else "other".
const char* CategoryName(std::size_t i) {
  const auto& names = PromptCategoryNames();
  return i < names.size() ? names[i] : "other";
}

}  // namespace

std::string PromptCategory(std::string_view text) {
  return CategoryName(PromptCategoryIndex(text));
}

ordered_json PromptPatterns(Db& db, const QueryFilter& f) {
  Transaction snapshot(db, /*immediate=*/false);
  auto paths = ResolveProject(db, f.project);
  const std::size_t n_cat = PromptCategoryNames().size() + 1;
  // Summed by the writer (prompt_rollup.h): a few rows per session instead of every message.
  // Prompts have no model: the model filter does not apply (as before the rollup).
  QueryFilter scope = f;
  scope.model.reset();
  SqlConditions where;
  AddRollupScope(where, scope, paths, /*with_range=*/true);
  Stmt q(db, "SELECT bucket, category, prompts, cost_usd FROM prompt_rollup" + where.Where());
  where.Bind(q);

  std::vector<int64_t> counts(n_cat, 0);
  std::vector<double> costs(n_cat, 0);
  std::map<int64_t, std::vector<int64_t>> by_day;
  DayMapper mapper(f.tz);
  int64_t prompts = 0;
  while (q.Step()) {
    const std::size_t c = std::min(std::size_t(std::max<int64_t>(q.Int(1), 0)), n_cat - 1);
    const int64_t n = q.Int(2);
    counts[c] += n;
    prompts += n;
    costs[c] += q.Real(3);
    if (n > 0 && q.Int(0) != kNoPromptBucket) {
      auto& day = by_day[mapper.DayOf(q.Int(0))];
      if (day.empty()) day.assign(n_cat, 0);
      day[c] += n;
    }
  }

  std::vector<std::size_t> order(n_cat);
  for (std::size_t i = 0; i < n_cat; ++i)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return counts[a] > counts[b]; });
  ordered_json cats = ordered_json::array();
  for (std::size_t i : order) {
    double pct = prompts ? std::round(100.0 * double(counts[i]) / double(prompts) * 100) / 100 : 0;
    cats.push_back({{"name", CategoryName(i)},
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
        day_counts[CategoryName(i)] = it == by_day.end() ? 0 : it->second[i];
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

// What the overview asks the API for, in a module of its own: boot.js sends these requests
// before the page's code (components, charts) has loaded, and the page asks for the same URLs.
import { dailyParams, dateBounds, daysBetween, effectiveTz, filterParams, todayIn } from '../filters.js';

const YEAR_DAYS = 366;

/**
 * The days the overview's daily chart shows for filter `f`: {days, fromYear, allTime}. A range
 * that ends today and spans at most the year (7d, 30d, 90d, a custom one like them) is the last
 * `days` rows of the year calendar's answer (fromYear: one request and one computation for both).
 * All time is the year's answer too (allTime: the chart then says it shows the last year only).
 * Any other range (ending before today, or longer than a year) asks for exactly its own days.
 */
export function dailySpan(f) {
  const { from, to } = dateBounds(f);
  if (!from && !to) return { days: YEAR_DAYS, fromYear: true, allTime: true };
  const today = todayIn(effectiveTz(f));
  if (from && (!to || to === today)) {
    const days = daysBetween(from, today) + 1;
    if (days >= 1 && days <= YEAR_DAYS) return { days, fromYear: true, allTime: false };
  }
  return { days: null, fromYear: false, allTime: false };
}

/**
 * The overview's requests for filter `f`: name -> [path, params], in the order the requests
 * leave: the cards' and tables' first, the charts' last (they draw after the content anyway,
 * and the browser and the server then work on the content's answers first).
 */
export function overviewRequests(f) {
  const fp = filterParams(f);
  const undated = filterParams(f, { dates: false });
  // The year calendar: the YEAR_DAYS days ending today, whatever the dates of the filter.
  const year = ['/api/stats/daily', { ...undated, days: YEAR_DAYS }];
  return {
    stats: ['/api/stats', fp],
    tools: ['/api/stats/tools', fp],
    projects: ['/api/stats/projects', fp],
    recent: ['/api/sessions', { ...fp, limit: 10 }],
    prompts: ['/api/stats/prompt-patterns', fp],
    budgets: ['/api/budgets/status', {}],  // BudgetBanners
    daily: dailySpan(f).fromYear ? year : ['/api/stats/daily', dailyParams(f)],
    year,
  };
}

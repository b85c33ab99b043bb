// What the overview asks the API for, in a module of its own: boot.js sends these requests
// before the page's code (components, charts) has loaded, and the page asks for the same URLs.
import { filterParams, rangeDays } from '../filters.js';

const YEAR_DAYS = 366;

/** The number of days the overview's daily chart shows for filter `f`. */
export const dailyDays = (f) => rangeDays(f, YEAR_DAYS);

/**
 * The overview's requests for filter `f`: name -> [path, params], in the order the requests
 * leave: the cards' and tables' first, the charts' last (they draw after the content anyway,
 * and the browser and the server then work on the content's answers first).
 */
export function overviewRequests(f) {
  const fp = filterParams(f);
  const undated = filterParams(f, { dates: false });
  return {
    stats: ['/api/stats', fp],
    tools: ['/api/stats/tools', fp],
    projects: ['/api/stats/projects', fp],
    recent: ['/api/sessions', { ...fp, limit: 10 }],
    prompts: ['/api/stats/prompt-patterns', fp],
    budgets: ['/api/budgets/status', {}],  // BudgetBanners
    // Both daily series end today: a chart of up to a year shows the last days of the year's
    // answer (one computation instead of two); a longer range asks for its own.
    daily: ['/api/stats/daily', { ...undated, days: Math.max(dailyDays(f), YEAR_DAYS) }],
    year: ['/api/stats/daily', { ...undated, days: YEAR_DAYS }],
  };
}

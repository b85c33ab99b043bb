// The days a page's daily chart covers (Cost, Project): exactly the global filter's range, like
// the tables beside it. A range without a start (All, or a custom range with only an end) starts
// on the day of the oldest session the filter selects, so that the chart covers all time too.
// (The overview instead shares the year calendar's request: pages/overview_requests.js.)
import { useApi } from './states.js';
import { dailyParams, dateBounds, effectiveTz, filterParams, todayIn } from '../filters.js';
import { dayIn } from '../format.js';

/**
 * The /api/stats/daily parameters for filter `f`: {params, loading, error, reload}; `params` is
 * null while the oldest session is being looked up (or the look-up failed: `error`).
 */
export function useDailyParams(f) {
  const { from, to } = dateBounds(f);
  // The list's `from` leaves out sessions without times: the first row has the oldest known start.
  const first = useApi(from ? null : '/api/sessions', {
    ...filterParams(f, { dates: false }), from: '1970-01-01', to, sort: 'started_at', order: 'asc', limit: 1,
  });
  if (from) return { params: dailyParams(f), loading: false, error: null, reload: first.reload };
  if (first.error || first.loading || !first.data) return { params: null, loading: !first.error, error: first.error, reload: first.reload };
  const oldest = (first.data.sessions || [])[0];
  // No session at all: one (empty) day, the range's last.
  const day = (oldest && dayIn(oldest.started_at, f)) || to || todayIn(effectiveTz(f));
  return { params: dailyParams(f, { first: to && day > to ? to : day }), loading: false, error: null, reload: first.reload };
}

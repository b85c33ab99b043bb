// Shown instead of a page when the URL's filter is not valid (a hand-edited link or an old
// bookmark): one message naming each bad parameter, and a button that removes them. Without it
// every section of the page would ask the API with the bad filter and show its own 400.
import { html } from '../html.js';
import { setQuery } from '../router.js';

export function FilterProblems({ problems }) {
  const drop = () => setQuery(Object.fromEntries(problems.map((p) => [p.param, null])));
  return html`<div class="page">
    <div class="state error filter-problems" role="alert">
      <strong>The filter in this link is not valid, so the page was not loaded:</strong>
      <ul>${problems.map((p) => html`<li data-param=${p.param}><code>${p.param}=${p.value}</code>: ${p.message}.</li>`)}</ul>
      <button type="button" class="btn small" onClick=${drop}>Remove ${problems.map((p) => p.param).join(' and ')}</button>
      ${' '}or change them in the filter bar above.
    </div>
  </div>`;
}

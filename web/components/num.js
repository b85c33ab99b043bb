// Numbers as shown: rounded for reading, exact in the title tooltip and in data-value.
import { html } from '../html.js';
import { money, moneyExact, int, pct, isNum } from '../format.js';

export const Money = ({ v }) => html`<span class="num" title=${moneyExact(v)} data-value=${isNum(v) ? v : ''}>${money(v)}</span>`;
export const Int = ({ v }) => html`<span class="num" title=${isNum(v) ? String(v) : 'unknown'} data-value=${isNum(v) ? v : ''}>${int(v)}</span>`;
export const Pct = ({ v }) => html`<span class="num" title=${isNum(v) ? String(v) : 'unknown'}>${pct(v)}</span>`;

export function Bar({ value, max, label }) {
  const w = max > 0 && isNum(value) ? Math.max(0, Math.min(100, (value / max) * 100)) : 0;
  return html`<span class="minibar" role="img" aria-label=${label || `${Math.round(w)}%`}><span class="minibar-fill" style=${{ width: `${w}%` }}></span></span>`;
}

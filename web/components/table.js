// A sortable table. Columns: {key, label, render?(row), sort?: value getter or false, num?: bool}.
// With `serverSort` the caller owns sorting (e.g. through the URL); otherwise rows sort locally.
import { html, useState, useMemo } from '../html.js';
import { Empty } from './states.js';

export function DataTable({ columns, rows, empty, sort, onSort, caption, rowKey, className = '' }) {
  const [local, setLocal] = useState(null);
  const active = sort || local;
  const sorted = useMemo(() => {
    if (sort || !local) return rows;
    const col = columns.find((c) => c.key === local.key);
    if (!col) return rows;
    const get = typeof col.sort === 'function' ? col.sort : (r) => r[col.key];
    const out = [...rows].sort((a, b) => cmp(get(a), get(b)));
    return local.order === 'desc' ? out.reverse() : out;
  }, [rows, local, sort]);

  if (!rows || rows.length === 0) return html`<${Empty}>${empty}<//>`;

  const clickSort = (col) => {
    const order = active && active.key === col.key && active.order === 'desc' ? 'asc' : 'desc';
    if (onSort) onSort({ key: col.key, order });
    else setLocal({ key: col.key, order });
  };

  return html`<div class="table-wrap"><table class=${`data ${className}`}>
    ${caption && html`<caption class="sr-only">${caption}</caption>`}
    <thead><tr>${columns.map((c) => {
      const sortable = c.sort !== false;
      const is = active && active.key === c.key;
      const aria = is ? (active.order === 'asc' ? 'ascending' : 'descending') : 'none';
      return html`<th scope="col" class=${c.num ? 'num' : ''} aria-sort=${sortable ? aria : undefined}>
        ${sortable
          ? html`<button type="button" class="th-sort" onClick=${() => clickSort(c)} aria-label=${`Sort by ${c.label}`}>${c.label}${is ? (active.order === 'asc' ? ' ▲' : ' ▼') : ''}</button>`
          : c.label}
      </th>`;
    })}</tr></thead>
    <tbody>${sorted.map((r, i) => html`<tr key=${rowKey ? rowKey(r) : i}>
      ${columns.map((c) => html`<td class=${c.num ? 'num' : ''}>${c.render ? c.render(r) : fmtCell(r[c.key])}</td>`)}
    </tr>`)}</tbody>
  </table></div>`;
}

function fmtCell(v) {
  if (v == null) return '—';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function cmp(a, b) {
  if (a == null && b == null) return 0;
  if (a == null) return -1;
  if (b == null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function Pager({ total, limit, offset, onPage }) {
  if (!total || total <= limit) return total ? html`<div class="pager"><span>${total} in all</span></div>` : null;
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.ceil(total / limit);
  return html`<nav class="pager" aria-label="Pages">
    <button type="button" class="btn small" disabled=${page <= 1} onClick=${() => onPage(Math.max(0, offset - limit))} aria-label="Previous page">‹ Prev</button>
    <span>Page ${page} of ${pages} · ${total} in all</span>
    <button type="button" class="btn small" disabled=${page >= pages} onClick=${() => onPage(offset + limit)} aria-label="Next page">Next ›</button>
  </nav>`;
}

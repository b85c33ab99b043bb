import { html } from '../html.js';

/** A headline number. `value` is the formatted element; `sub` a second line. */
export function Card({ label, value, sub, id, exact }) {
  return html`<div class="card" data-card=${id} data-value=${exact ?? ''}>
    <div class="card-label">${label}</div>
    <div class="card-value">${value}</div>
    ${sub && html`<div class="card-sub">${sub}</div>`}
  </div>`;
}

export function Section({ title, children, actions, id, className = '' }) {
  return html`<section class=${`panel ${className}`} id=${id} aria-label=${title}>
    <header class="panel-head"><h2>${title}</h2>${actions && html`<div class="panel-actions">${actions}</div>`}</header>
    ${children}
  </section>`;
}

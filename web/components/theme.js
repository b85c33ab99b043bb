// light / dark / auto theme, saved in localStorage, applied as <html data-theme>.
import { useEffect, useState } from '../html.js';

const KEY = 'claudescope.theme';
const listeners = new Set();
const media = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

export function getThemeSetting() {
  try { return localStorage.getItem(KEY) || 'auto'; } catch { return 'auto'; }
}
export function resolvedTheme() {
  const s = getThemeSetting();
  if (s === 'light' || s === 'dark') return s;
  return media && media.matches ? 'dark' : 'light';
}
function apply() {
  document.documentElement.dataset.theme = resolvedTheme();
  document.documentElement.dataset.themeSetting = getThemeSetting();
  for (const fn of listeners) fn(resolvedTheme());
}
export function setTheme(s) {
  try { localStorage.setItem(KEY, s); } catch { /* private mode */ }
  apply();
}
if (media && media.addEventListener) media.addEventListener('change', apply);
apply();

/** The resolved theme ('light' | 'dark'), re-rendering on change. */
export function useTheme() {
  const [t, setT] = useState(resolvedTheme);
  useEffect(() => { listeners.add(setT); return () => listeners.delete(setT); }, []);
  return t;
}

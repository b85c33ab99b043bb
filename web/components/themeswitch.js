import { html, useState } from '../html.js';
import { getThemeSetting, setTheme } from './theme.js';

export function ThemeSwitch() {
  const [s, setS] = useState(getThemeSetting);
  return html`<label class="fl theme-switch">Theme
    <select aria-label="Colour theme" value=${s} onChange=${(e) => { setTheme(e.target.value); setS(e.target.value); }}>
      <option value="auto">Auto</option><option value="light">Light</option><option value="dark">Dark</option>
    </select></label>`;
}

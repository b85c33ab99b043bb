// An ECharts chart. ECharts is loaded with dynamic import() the first time a chart mounts, so
// pages without charts never download it. Every chart gets a title (in the option and as the
// container's aria-label) and follows the light/dark theme.
import { html, useEffect, useRef, useState } from '../html.js';
import { useTheme } from './theme.js';
import { ErrorBox } from './states.js';

let echartsPromise = null;
export function loadEcharts() {
  if (!echartsPromise) echartsPromise = import('/vendor/echarts.js');
  return echartsPromise;
}

export function Chart({ option, title, height = 'md', onClick, className = '' }) {
  const el = useRef(null);
  const chart = useRef(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const theme = useTheme();
  const [error, setError] = useState(null);

  useEffect(() => {
    let disposed = false;
    let ro = null;
    loadEcharts().then((ec) => {
      if (disposed || !el.current) return;
      const c = ec.init(el.current, theme === 'dark' ? 'dark' : null);
      chart.current = c;
      c.setOption(withDefaults(option, title));
      c.on('click', (p) => clickRef.current && clickRef.current(p));
      if (window.ResizeObserver) {
        // A resize notification can still arrive after the chart was disposed (a filter change
        // unmounts it); a disposed chart has no painter and would throw.
        ro = new ResizeObserver(() => { if (!c.isDisposed()) c.resize(); });
        ro.observe(el.current);
      }
    }).catch((e) => setError(e));
    return () => {
      disposed = true;
      if (ro) ro.disconnect();
      if (chart.current && !chart.current.isDisposed()) chart.current.dispose();
      chart.current = null;
    };
  }, [theme]);

  useEffect(() => {
    const c = chart.current;
    if (c && !c.isDisposed()) c.setOption(withDefaults(option, title), true);
  }, [option]);

  if (error) return html`<${ErrorBox} error=${{ message: `The chart library failed to load: ${error.message}` }} />`;
  return html`<div class=${`chart chart-${height} ${className}`} ref=${el} role="img" aria-label=${title}></div>`;
}

function withDefaults(option, title) {
  return {
    backgroundColor: 'transparent',
    title: { text: title, left: 'center', textStyle: { fontSize: 13, fontWeight: 600 } },
    animation: false,
    ...option,
  };
}

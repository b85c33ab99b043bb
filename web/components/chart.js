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

// Resolves once no section of the page is still loading (or after `maxMs`): fetching and
// compiling ECharts (~1 MB) takes a few hundred milliseconds of CPU, which on a small machine
// otherwise competes with the page's own answers and their rendering. Cards and tables first.
function contentSettled(maxMs = 3000) {
  const settled = () => !document.querySelector('main .state.loading');
  if (settled()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      observer.disconnect();
      clearTimeout(timer);
      resolve();
    };
    const observer = new MutationObserver(() => settled() && done());
    const timer = setTimeout(done, maxMs);
    observer.observe(document.body, { childList: true, subtree: true });
  });
}

// Started by the first chart's render: ECharts is fetched as soon as the DOM commit that ends
// the content's loading states happens (a MutationObserver runs before that frame's layout and
// paint), so its fetch and parse overlap the content's paint instead of following it (a chart's
// effect runs only after the paint).
let warming = false;
function warmEcharts() {
  if (warming) return;
  warming = true;
  contentSettled().then(loadEcharts).catch(() => {});  // a failure is shown by the chart's effect
}

// Drawing a chart takes the main thread for a while (~100 ms on a slow machine): let the
// page's cards and tables paint first. A task after the next animation frame runs right after
// that paint. (An idle callback waited up to 50 ms more for an idle period, in a trace.)
function afterPaint(value) {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(value), 0)));
}

export function Chart({ option, title, height = 'md', onClick, className = '' }) {
  const el = useRef(null);
  const chart = useRef(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  // Callers build `option` afresh on every render, and a page re-renders as each of its API
  // calls lands: redraw only when the option's content changed (a full setOption is costly).
  const optionKey = JSON.stringify(option) + title;
  const latest = useRef(null);
  latest.current = { option, title, key: optionKey };
  const applied = useRef(null);
  const theme = useTheme();
  const [error, setError] = useState(null);
  warmEcharts();

  useEffect(() => {
    let disposed = false;
    let ro = null;
    contentSettled().then(loadEcharts).then(afterPaint).then((ec) => {
      if (disposed || !el.current) return;
      const c = ec.init(el.current, theme === 'dark' ? 'dark' : null);
      chart.current = c;
      const { option: o, title: t, key } = latest.current;
      apply(c, withDefaults(o, t));
      applied.current = key;
      c.on('click', (p) => clickRef.current && clickRef.current(p));
      if (window.ResizeObserver) {
        // An observer reports once as soon as it observes: resizing then would lay out and draw
        // again a chart just drawn at that size (~110 ms for the overview's three charts in a
        // profile). Only a real change of the container's size redraws. A
        // notification can also arrive after the chart was disposed (a filter change unmounts
        // it); a disposed chart has no painter and would throw.
        const box = el.current;
        let drawn = [box.clientWidth, box.clientHeight];
        ro = new ResizeObserver(() => {
          if (c.isDisposed()) return;
          const now = [box.clientWidth, box.clientHeight];
          if (now[0] === drawn[0] && now[1] === drawn[1]) return;
          drawn = now;
          c.resize();
        });
        ro.observe(box);
      }
    }).catch((e) => setError(e));
    return () => {
      disposed = true;
      if (ro) ro.disconnect();
      if (chart.current && !chart.current.isDisposed()) disposeChart(chart.current);
      chart.current = null;
    };
  }, [theme]);

  useEffect(() => {
    const c = chart.current;
    if (!c || c.isDisposed() || applied.current === optionKey) return;
    apply(c, withDefaults(option, title), true);
    applied.current = optionKey;
  }, [optionKey]);

  if (error) return html`<${ErrorBox} error=${{ message: `The chart library failed to load: ${error.message}` }} />`;
  return html`<div class=${`chart chart-${height} ${className}`} ref=${el} role="img" aria-label=${title}></div>`;
}

// zrender (ECharts' renderer) finishes a long paint in later animation frames and does not
// cancel them when the chart is disposed: the next frame then reads the disposed painter and
// throws ("Cannot read properties of null (reading 'layerStack')", seen when a page is left while
// its charts draw). A paint whose id is no longer the painter's stops at its next frame (how
// zrender's own refresh cancels one): retire the id, then dispose.
function disposeChart(c) {
  const painter = c.getZr && c.getZr() && c.getZr().painter;
  if (painter && '_redrawId' in painter) painter._redrawId = null;
  c.dispose();
}

// ECharts' main types of components an option can name at its top level.
const COMPONENTS = ['title', 'legend', 'grid', 'xAxis', 'yAxis', 'polar', 'radiusAxis', 'angleAxis', 'radar',
  'dataZoom', 'visualMap', 'tooltip', 'axisPointer', 'toolbox', 'brush', 'geo', 'parallel', 'parallelAxis',
  'singleAxis', 'timeline', 'graphic', 'calendar', 'dataset', 'aria', 'matrix', 'thumbnail'];

// The served ECharts holds only the chart types and components the pages use
// (web/vendor/echarts.js), and ECharts leaves out anything else without a word: a chart would
// lose its legend or a series silently. Say so on the console (the browser tests fail on it).
function apply(c, option, notMerge = false) {
  c.setOption(option, notMerge);
  const model = c.getModel();
  const missing = COMPONENTS.filter((k) => option[k] != null && !model.getComponent(k));
  const types = new Set([].concat(option.series || []).map((s) => s.type));
  for (const t of types) if (!model.getSeriesByType(t).length) missing.push(`the ${t} series`);
  if (missing.length) console.error(`This chart needs ${missing.join(', ')}, which the dashboard's ECharts lacks: add it to web/vendor/echarts.js`);
}

function withDefaults(option, title) {
  return {
    backgroundColor: 'transparent',
    title: { text: title, left: 'center', textStyle: { fontSize: 13, fontWeight: 600 } },
    animation: false,
    ...option,
  };
}

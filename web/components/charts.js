// ECharts option builders shared by several pages. Tooltips show exact values.
import { money, int } from '../format.js';

/**
 * A tooltip's content, as an element (an ECharts formatter may return one): a first line, then
 * one line per entry, each a string or {color, text} for a line led by its series' colour.
 * Built with textContent and the CSSOM: ECharts' own markers and default tooltips are HTML
 * with style attributes, which the page's CSP refuses (the marker would vanish and the console
 * report a violation), and text set as text needs no escaping.
 */
export function tip(head, lines = []) {
  const box = document.createElement('div');
  box.className = 'chart-tip';
  const first = document.createElement('div');
  first.className = 'chart-tip-head';
  first.textContent = String(head ?? '');
  box.append(first);
  for (const line of lines) {
    const row = document.createElement('div');
    const { color, text } = typeof line === 'string' ? { text: line } : line;
    if (typeof color === 'string') {
      const mark = document.createElement('span');
      mark.className = 'chart-tip-marker';
      mark.style.backgroundColor = color;
      row.append(mark);
    }
    row.append(String(text ?? ''));
    box.append(row);
  }
  return box;
}

/** An axis tooltip's lines: each series' colour, name and value as `show` formats it. */
export const seriesLines = (ps, show) => ps.map((p) => ({ color: p.color, text: `${p.seriesName}: ${show(p.value, p)}` }));

export const rowsOf = (d, key) => (Array.isArray(d) ? d : (d && (d[key] || d.days || d.items)) || []);

const moneyTip = (v) => `${money(v)} (${v})`;

export function dailyOption(d) {
  const rows = rowsOf(d, 'daily');
  const dates = rows.map((r) => r.date);
  // Large mode from two months on: each series is drawn as one path instead of a shape per bar
  // (the year the overview shows is ~1,500 bars). Same picture and axis tooltip; setOption on
  // the overview's first load took a median 115 instead of 156 ms (six loads each).
  const series = [
    ['Input', 'input_tokens'], ['Output', 'output_tokens'], ['Cache read', 'cache_read_tokens'], ['Cache write', 'cache_write_tokens'],
  ].map(([name, k]) => ({ name, type: 'bar', stack: 'tokens', large: true, largeThreshold: 60, data: rows.map((r) => r[k] || 0), yAxisIndex: 0 }));
  series.push({ name: 'Cost', type: 'line', yAxisIndex: 1, data: rows.map((r) => r.cost_usd || 0), symbolSize: 4, smooth: false });
  return {
    legend: { top: 24 },
    grid: { left: 60, right: 60, top: 60, bottom: 70 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: undefined,
      formatter: (ps) => tip(ps[0] && ps[0].axisValue, seriesLines(ps, (v, p) => (p.seriesName === 'Cost' ? moneyTip(v) : int(v)))),
    },
    xAxis: { type: 'category', data: dates },
    yAxis: [
      { type: 'value', name: 'tokens', axisLabel: { formatter: compactAxis } },
      { type: 'value', name: 'USD', axisLabel: { formatter: (v) => `$${v}` } },
    ],
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 10 }],
    series,
  };
}

export function costLineOption(d) {
  const rows = rowsOf(d, 'daily');
  return {
    grid: { left: 60, right: 20, top: 40, bottom: 60 },
    tooltip: { trigger: 'axis', formatter: (ps) => tip(ps[0].axisValue, seriesLines(ps, moneyTip)) },
    xAxis: { type: 'category', data: rows.map((r) => r.date) },
    yAxis: { type: 'value', axisLabel: { formatter: (v) => `$${v}` } },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
    series: [{ name: 'Cost', type: 'bar', data: rows.map((r) => r.cost_usd || 0) }],
  };
}

export function calendarOption(d) {
  const rows = rowsOf(d, 'daily');
  if (!rows.length) return { title: { subtext: 'No data' } };
  const max = Math.max(0.01, ...rows.map((r) => r.cost_usd || 0));
  return {
    tooltip: { formatter: (p) => tip(p.value[0], [`Cost: ${moneyTip(p.value[1])}`]) },
    visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, text: [money(max), '$0'], inRange: { color: ['rgba(217,119,87,0.10)', '#e8a77f', '#c2410c'] } },
    calendar: { range: [rows[0].date, rows[rows.length - 1].date], top: 50, left: 40, right: 20, cellSize: ['auto', 13], yearLabel: { show: false }, dayLabel: { firstDay: 1, nameMap: 'en' } },
    series: [{ type: 'heatmap', coordinateSystem: 'calendar', data: rows.map((r) => [r.date, r.cost_usd || 0]) }],
  };
}

export function barOption(names, values, { money: isMoney = false, horizontal = true, name = '' } = {}) {
  const cat = { type: 'category', data: names, axisLabel: { width: 140, overflow: 'truncate' } };
  const val = { type: 'value', axisLabel: { formatter: isMoney ? (v) => `$${v}` : compactAxis } };
  return {
    grid: { left: horizontal ? 150 : 50, right: 30, top: 40, bottom: 30 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (ps) => tip(ps[0].name, [`${name}: ${isMoney ? moneyTip(ps[0].value) : int(ps[0].value)}`]) },
    xAxis: horizontal ? val : cat,
    yAxis: horizontal ? { ...cat, inverse: true } : val,
    series: [{ name, type: 'bar', data: values }],
  };
}

export function compactAxis(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return `${v / 1e9}B`;
  if (a >= 1e6) return `${v / 1e6}M`;
  if (a >= 1e3) return `${v / 1e3}k`;
  return String(v);
}

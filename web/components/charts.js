// ECharts option builders shared by several pages. Tooltips show exact values.
import { money, int } from '../format.js';

/** Escapes text for ECharts tooltip formatters (they render HTML). */
export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

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
      formatter: (ps) => {
        const lines = [esc(ps[0] && ps[0].axisValue)];
        for (const p of ps) lines.push(`${p.marker}${esc(p.seriesName)}: ${p.seriesName === 'Cost' ? moneyTip(p.value) : int(p.value)}`);
        return lines.join('<br>');
      },
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
    tooltip: { trigger: 'axis', formatter: (ps) => `${esc(ps[0].axisValue)}<br>${ps.map((p) => `${p.marker}${esc(p.seriesName)}: ${moneyTip(p.value)}`).join('<br>')}` },
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
    tooltip: { formatter: (p) => `${esc(p.value[0])}<br>Cost: ${moneyTip(p.value[1])}` },
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
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (ps) => `${esc(ps[0].name)}<br>${esc(name)}: ${isMoney ? moneyTip(ps[0].value) : int(ps[0].value)}` },
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

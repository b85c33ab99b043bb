// The ECharts the dashboard loads as /vendor/echarts.js: only the chart types and components
// its pages draw. cmake/embed_web.py bundles this file with esbuild at build time (the only
// bundled module: our own modules are served as they are). The full build is 1.1 MB, this one
// ~0.65 MB; its smaller parse and evaluation draw the overview's charts ~0.1 s sooner on a small
// machine (docs/performance.md).
//
// A chart type or component missing here is dropped by ECharts without a word: the Chart
// component reports one on the console (web/components/chart.js), and the browser tests fail
// on any console error. Add what a new chart needs to both lists.
import { use } from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, ScatterChart, TreemapChart } from 'echarts/charts';
import {
  AxisPointerComponent, CalendarComponent, DataZoomComponent, GridComponent, LegendComponent,
  LegendScrollComponent, TitleComponent, TooltipComponent, VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([
  BarChart, HeatmapChart, LineChart, ScatterChart, TreemapChart,
  AxisPointerComponent, CalendarComponent, DataZoomComponent, GridComponent, LegendComponent,
  LegendScrollComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer,
]);

export * from 'echarts/core';

export { lineChart, niceTicks, escapeXml, type Series, type ChartOptions } from './lib/line-chart';
export { histogramSvg } from './lib/histogram';

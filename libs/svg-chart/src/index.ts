export {
  lineChart,
  niceTicks,
  escapeXml,
  placeMarkerLabels,
  type Series,
  type ChartOptions,
  type PlacedLabel,
} from './lib/line-chart';
export { histogramSvg } from './lib/histogram';

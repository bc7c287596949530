import { histogramSvg } from './histogram';
import { escapeXml, lineChart, niceTicks } from './line-chart';

describe('svg charts', () => {
  it('line chart: one path per series, escaped title, "no data" when empty', () => {
    const svg = lineChart(
      [
        {
          name: 'G',
          points: [
            [0, 1],
            [1, 2],
          ],
        },
        {
          name: 'D',
          points: [
            [0, 2],
            [1, NaN],
          ],
        },
      ],
      { title: 'G & D' },
    );
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('G &#38; D');
    expect(lineChart([], { title: 'x' })).toContain('no data');
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(escapeXml('<a>')).toBe('&#60;a&#62;');
  });

  it('histogram: a bar per bin and the threshold line', () => {
    const svg = histogramSvg([1, 2, 2, 3], 2.5, 'brisque', 4);
    expect(svg.match(/<rect /g)).toHaveLength(4);
    expect(svg).toContain('class="threshold"');
    expect(histogramSvg([], null, 'x')).toContain('no values');
  });
});

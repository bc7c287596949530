import { histogramSvg } from './histogram';
import { escapeXml, lineChart, niceTicks, placeMarkerLabels, type PlacedLabel } from './line-chart';

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

describe('marker labels', () => {
  const extent = (l: PlacedLabel, text: string): [number, number] =>
    l.anchor === 'start' ? [l.x, l.x + text.length * 6.5] : [l.x - text.length * 6.5, l.x];

  it('labels of nearby markers take different rows and never overlap within a row', () => {
    const xs = [100, 110, 300, 305, 120, 500];
    const texts = xs.map((_, i) => `ALERT rule-${i}`);
    const placed = placeMarkerLabels(xs, texts, 0, 720);
    expect(placed[0].row).not.toBe(placed[1].row);
    expect(new Set([placed[0].row, placed[1].row, placed[4].row]).size).toBe(3);
    expect(placed[5].row).toBe(0); // a lone marker stays on the first row
    for (let i = 0; i < xs.length; i++)
      for (let j = i + 1; j < xs.length; j++) {
        if (placed[i].row !== placed[j].row) continue;
        const [a0, a1] = extent(placed[i], texts[i]);
        const [b0, b1] = extent(placed[j], texts[j]);
        expect(a1 <= b0 || b1 <= a0).toBe(true);
      }
  });

  it('a label near the right edge runs left of its line instead of off the chart', () => {
    const [near, far] = placeMarkerLabels([700, 100], ['ALERT divergence', 'ALERT divergence'], 0, 720);
    expect(near).toEqual({ x: 697, row: 0, anchor: 'end' });
    expect(far).toEqual({ x: 103, row: 0, anchor: 'start' });
  });

  it('the chart grows a label band above the plot, one row per stack of labels', () => {
    const series = [
      {
        name: 'G',
        points: [
          [0, 1],
          [20, 2],
        ] as [number, number][],
      },
    ];
    const one = lineChart(series, { title: 't', markers: [{ x: 5, label: 'ALERT a' }] });
    const three = lineChart(series, {
      title: 't',
      markers: [5, 5.2, 5.4].map((x) => ({ x, label: 'ALERT divergence' })),
    });
    const height = (svg: string): number => Number(/height="(\d+(\.\d+)?)"/.exec(svg)?.[1]);
    expect(height(three) - height(one)).toBe(2 * 12);
    expect(three.match(/text-anchor="start" fill="#d62728"/g)).toHaveLength(3);
  });
});

import { parseAlertLog } from './alert-record';
import { formatAlert, SUGGESTIONS, type Alert } from './monitor';

describe('parseAlertLog', () => {
  it('reads back every formatAlert block of a log, skipping the lines around them', () => {
    const alerts: Alert[] = [
      {
        name: 'mode-collapse',
        kimg: 30.744,
        message: 'the generator is collapsing onto a few modes',
        evidence: [
          'Metrics/recall fell to 0.00 from 0.0150 (kimg 0.504)',
          'Metrics/ndb_k rose to 0.700 from 0.500',
        ],
        suggestion: SUGGESTIONS['mode-collapse'],
      },
      {
        name: 'divergence',
        kimg: 116,
        message: 'Loss/G/loss is NaN',
        evidence: [],
        suggestion: SUGGESTIONS.divergence,
      },
    ];
    const log = [
      'tick 60  kimg 30.7/60',
      formatAlert(alerts[0]),
      '  maintenance 22.9 s',
      formatAlert(alerts[1]),
    ];
    expect(parseAlertLog(log.join('\n'))).toEqual(alerts);
  });
});

import { Manifest } from '@portrait-forge/manifest';
import { tempManifestPath } from '@portrait-forge/manifest/testing';
import { defaultThresholds, mergeThresholds, parseThresholdsJson, storedThresholds } from './thresholds';

const t = defaultThresholds(256);

describe('thresholds schema', () => {
  it('overlays a partial config; undefined keeps, null symmetry means the backend default', () => {
    const merged = mergeThresholds(
      { ...t, symmetry: 0.05 },
      {
        brisque: 40,
        symmetry: null,
        face: { maxRollDeg: 8, maxYawDeg: undefined },
      },
    );
    expect(merged).toEqual({ ...t, brisque: 40, symmetry: null, face: { ...t.face, maxRollDeg: 8 } });
    expect(mergeThresholds(t, {})).toEqual(t);
  });

  it('names the input, the field, the value and the fix', () => {
    expect(() => mergeThresholds(t, { brisque: Number.NaN }, 'flags')).toThrow(
      /^flags: brisque: expected a finite number, got NaN — use a JSON object with any of "faceBrisque", "brisque"/,
    );
    expect(() => mergeThresholds(t, { face: { maxRollDeg: 'x' } })).toThrow(
      /face\.maxRollDeg: expected a finite number, got "x"/,
    );
    expect(() => mergeThresholds(t, { face: { maxRoll: 3 }, blur: 1 })).toThrow(
      /face: unknown key\(s\) maxRoll; \(top level\): unknown key\(s\) blur — .*"face": \{minFaceScore, /,
    );
  });

  it('parses --thresholds JSON, and says when it is not JSON', () => {
    expect(parseThresholdsJson('{"brisque": 45}', 'f.json')).toEqual({ brisque: 45 });
    expect(() => parseThresholdsJson('{brisque: 45}', 'f.json')).toThrow(/^f\.json: not JSON/);
    expect(() => parseThresholdsJson('[1]', 'f.json')).toThrow(/^f\.json: \(top level\): /);
  });

  it('storedThresholds: the last filter/decide run over the defaults of the filter run’s size and detector', () => {
    const m = Manifest.open(tempManifestPath());
    expect(storedThresholds(m)).toEqual(t);
    const config = {
      input: '/in',
      size: 512,
      workers: 1,
      resume: false,
      detector: 'ssd',
      silhouette: 'auto',
      maxPixels: 1e8,
      photoBrisque: false,
    };
    m.startRun({ kind: 'filter', inputRoot: '/in', config, thresholds: { brisque: 40 }, versions: {} });
    m.startRun({
      kind: 'dedupe',
      inputRoot: null,
      config: { distance: 4, exactOnly: false },
      thresholds: {},
      versions: {},
    });
    expect(storedThresholds(m)).toEqual({ ...defaultThresholds(512, 'ssd'), brisque: 40 });
    m.startRun({
      kind: 'decide',
      inputRoot: null,
      config: {},
      thresholds: { face: { maxRollDeg: 'wide' } },
      versions: {},
    });
    expect(() => storedThresholds(m)).toThrow(
      /thresholds of run 3 \(decide\): face\.maxRollDeg: expected a finite number/,
    );
  });
});

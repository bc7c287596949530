import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEFAULT_MODEL_PATH, DEFAULT_RANGE_PATH, loadBrisqueModel, parseBrisqueModel } from './model';

describe('BRISQUE model files', () => {
  it('are byte-identical to the OpenCV originals (see model/SOURCE.md; keep formatters off them)', () => {
    const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(sha256(DEFAULT_MODEL_PATH)).toBe(
      '4c44c7eec9e5139830c0bb0e4a044c9cd351ba5bbc9e3798beca3243e2782ff4',
    );
    expect(sha256(DEFAULT_RANGE_PATH)).toBe(
      'a18427f4f7ad087524bd0d63389649a3899b51ca6d44a4d5f8d8171f1f914a9c',
    );
  });

  it('parses the shipped LIVE model and range', () => {
    const model = loadBrisqueModel();
    expect(model.featureCount).toBe(36);
    expect(model.supportVectorCount).toBe(774);
    expect(model.supportVectors).toHaveLength(774 * 36);
    expect(model.gamma).toBeCloseTo(0.05, 12);
    expect(model.rho).toBeCloseTo(-149.63506109127357, 9);
    expect(model.alpha[0]).toBe(-1024);
    expect(model.supportVectors[0]).toBeCloseTo(-0.597555935, 8);
    expect(model.rangeMin[0]).toBeCloseTo(0.344, 6);
    expect(model.rangeMax[0]).toBe(10);
  });

  it('names the file and the problem when a file is malformed', () => {
    const range = readFileSync(DEFAULT_RANGE_PATH, 'utf8');
    const model = readFileSync(DEFAULT_MODEL_PATH, 'utf8');
    expect(() => parseBrisqueModel(model.replace('sv_total: 774', 'sv_total: 775'), range, 'm.yml')).toThrow(
      /m\.yml: sv_total is 775 but 774/,
    );
    expect(() => parseBrisqueModel(model, range.replace('3.44000012e-01,', ''), 'm.yml', 'r.yml')).toThrow(
      /r\.yml: range has 71 values/,
    );
    expect(() => parseBrisqueModel('%YAML:1.0\n', range, 'empty.yml')).toThrow(/empty\.yml: no "svmType:"/);
  });
});

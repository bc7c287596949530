import { DEFAULT_FACE_CONFIG, defaultFaceConfig, parseFaceConfig } from './face-config';

describe('parseFaceConfig (stored and user-given face configs)', () => {
  it('fills missing keys from the defaults', () => {
    expect(parseFaceConfig({ maxRollDeg: 8 })).toEqual({ ...DEFAULT_FACE_CONFIG, maxRollDeg: 8 });
  });

  it('reads the old l4rz key names (manifests written before the rename)', () => {
    const stored = { seedEyesVDeltaPercentMax: 7, seedDeltaOffsetPercentMax: 120 };
    const config = parseFaceConfig(stored, defaultFaceConfig('ssd'));
    expect(config.maxEyeDyPercent).toBe(7);
    expect(config.maxCentreOffsetPercent).toBe(120);
    expect(config.minFaceScore).toBe(0.2);
    expect(config).not.toHaveProperty('seedEyesVDeltaPercentMax');
  });

  it('refuses an old and a new name that disagree, unknown keys and bad values, naming the key', () => {
    expect(() => parseFaceConfig({ seedEyesVDeltaPercentMax: 7, maxEyeDyPercent: 9 })).toThrow(
      /maxEyeDyPercent twice.*seedEyesVDeltaPercentMax/,
    );
    expect(() => parseFaceConfig({ maxRoll: 3 })).toThrow(/maxRoll/);
    expect(() => parseFaceConfig({ minFaceScore: 2 })).toThrow(/minFaceScore/);
    expect(() => parseFaceConfig({ maxCutOffFraction: 'x' })).toThrow(/maxCutOffFraction/);
    expect(() => parseFaceConfig(null)).toThrow(/must be an object/);
  });
});

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** RBF ε-SVR plus the per-feature [min, max] range used to scale features to [−1, 1]. */
export interface BrisqueModel {
  /** RBF γ in exp(−γ‖x − sv‖²). */
  gamma: number;
  rho: number;
  featureCount: number;
  supportVectorCount: number;
  /** Row-major supportVectorCount × featureCount, float32 as OpenCV stores them. */
  supportVectors: Float32Array;
  alpha: Float64Array;
  rangeMin: Float32Array;
  rangeMax: Float32Array;
}

const MODEL_DIR = resolve(__dirname, '../../model');
export const DEFAULT_MODEL_PATH = resolve(MODEL_DIR, 'brisque_model_live.yml');
export const DEFAULT_RANGE_PATH = resolve(MODEL_DIR, 'brisque_range_live.yml');

class ModelFormatError extends Error {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem} (expected OpenCV's brisque_model_live.yml / brisque_range_live.yml format)`);
    this.name = 'ModelFormatError';
  }
}

function scalar(text: string, key: string, path: string): string {
  const match = new RegExp(`^\\s*${key}:\\s*(\\S+)\\s*$`, 'm').exec(text);
  if (!match) throw new ModelFormatError(path, `no "${key}:" entry`);
  return match[1];
}

function numberAfter(text: string, key: string, path: string): number {
  const value = Number(scalar(text, key, path));
  if (!Number.isFinite(value)) throw new ModelFormatError(path, `"${key}" is not a number`);
  return value;
}

/** The numbers of the first `[ … ]` list after `key:`. */
function listAfter(text: string, key: string, path: string, from = 0): { values: number[]; end: number } {
  const keyAt = text.indexOf(`${key}:`, from);
  if (keyAt < 0) throw new ModelFormatError(path, `no "${key}:" entry`);
  const open = text.indexOf('[', keyAt);
  const close = text.indexOf(']', open);
  if (open < 0 || close < 0) throw new ModelFormatError(path, `"${key}" has no [ … ] list`);
  return { values: parseNumbers(text.slice(open + 1, close), path, key), end: close + 1 };
}

function parseNumbers(list: string, path: string, key: string): number[] {
  return list.split(',').map((token) => {
    const value = Number(token.trim());
    if (token.trim() === '' || !Number.isFinite(value)) {
      throw new ModelFormatError(path, `bad number "${token.trim()}" in ${key}`);
    }
    return value;
  });
}

/** Parses OpenCV's ml::SVM YAML (EPS_SVR, RBF) and the BRISQUE range matrix. */
export function parseBrisqueModel(
  modelYaml: string,
  rangeYaml: string,
  modelPath = '<model>',
  rangePath = '<range>',
): BrisqueModel {
  if (scalar(modelYaml, 'svmType', modelPath) !== 'EPS_SVR')
    throw new ModelFormatError(modelPath, 'svmType is not EPS_SVR');
  if (scalar(modelYaml, 'type', modelPath) !== 'RBF')
    throw new ModelFormatError(modelPath, 'kernel type is not RBF');
  const featureCount = numberAfter(modelYaml, 'var_count', modelPath);
  const supportVectorCount = numberAfter(modelYaml, 'sv_total', modelPath);
  if (/^\s*index:/m.test(modelYaml))
    throw new ModelFormatError(modelPath, 'support-vector index lists are not supported');

  const supportVectors = new Float32Array(supportVectorCount * featureCount);
  const svStart = modelYaml.indexOf('support_vectors:');
  const svEnd = modelYaml.indexOf('decision_functions:');
  if (svStart < 0 || svEnd < svStart)
    throw new ModelFormatError(modelPath, 'no support_vectors / decision_functions sections');
  const rows = modelYaml.slice(svStart, svEnd).match(/\[[^\]]*\]/g) ?? [];
  if (rows.length !== supportVectorCount) {
    throw new ModelFormatError(
      modelPath,
      `sv_total is ${supportVectorCount} but ${rows.length} support vectors are listed`,
    );
  }
  rows.forEach((row, i) => {
    const values = parseNumbers(row.slice(1, -1), modelPath, `support vector ${i}`);
    if (values.length !== featureCount) {
      throw new ModelFormatError(
        modelPath,
        `support vector ${i} has ${values.length} values, not ${featureCount}`,
      );
    }
    supportVectors.set(values, i * featureCount);
  });

  const decision = modelYaml.slice(svEnd);
  const alpha = listAfter(decision, 'alpha', modelPath).values;
  if (alpha.length !== supportVectorCount) {
    throw new ModelFormatError(
      modelPath,
      `${alpha.length} alpha values for ${supportVectorCount} support vectors`,
    );
  }

  const range = listAfter(rangeYaml, 'data', rangePath).values;
  if (range.length !== 2 * featureCount) {
    throw new ModelFormatError(rangePath, `range has ${range.length} values, not 2 × ${featureCount}`);
  }
  return {
    gamma: numberAfter(modelYaml, 'gamma', modelPath),
    rho: numberAfter(decision, 'rho', modelPath),
    featureCount,
    supportVectorCount,
    supportVectors,
    alpha: Float64Array.from(alpha),
    rangeMin: Float32Array.from(range.slice(0, featureCount)),
    rangeMax: Float32Array.from(range.slice(featureCount)),
  };
}

/** Reads and parses a model/range pair (defaults: the LIVE model shipped in libs/brisque/model). */
export function loadBrisqueModel(
  modelPath = DEFAULT_MODEL_PATH,
  rangePath = DEFAULT_RANGE_PATH,
): BrisqueModel {
  return parseBrisqueModel(
    readFileSync(modelPath, 'utf8'),
    readFileSync(rangePath, 'utf8'),
    modelPath,
    rangePath,
  );
}

let defaultModel: BrisqueModel | undefined;

/** The shipped LIVE model, parsed once. */
export function defaultBrisqueModel(): BrisqueModel {
  defaultModel ??= loadBrisqueModel();
  return defaultModel;
}

import { effectiveDecision, Manifest, type StoredFile } from '@portrait-forge/manifest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLabels, type LabelRow } from '@portrait-forge/image-io';
import { evaluate, type Evaluation } from './decision-evaluation';
import { MANIFEST_FILE } from './output-files';

export interface FolderEvaluation {
  evaluation: Evaluation;
  labels: LabelRow[];
  files: StoredFile[];
}

/** A run's manifest (under `out`) against the labels.csv of the folder it curated. */
export function evaluateRun(labelledDir: string, out: string): FolderEvaluation {
  const labelsPath = join(labelledDir, 'labels.csv');
  const labels = parseLabels(readFileSync(labelsPath, 'utf8'), labelsPath);
  const manifest = Manifest.open(join(out, MANIFEST_FILE));
  const files = manifest.files();
  manifest.close();
  const decisions = new Map(
    files.map((f) => [f.path, { decision: effectiveDecision(f), reasons: f.reasons.join(';') }]),
  );
  return { evaluation: evaluate(labels, decisions), labels, files };
}

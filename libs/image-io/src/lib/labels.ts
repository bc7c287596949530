import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The one labels.csv parser of the labelled photo sets (faces-dev, faces-wild-dev under ../shared):
 * the eval tools, the curation/face evaluations and the specs that score against them.
 */

/** `either` rows are borderline cases (faces-wild-dev): listed, never scored. */
export type Expected = 'keep' | 'reject' | 'either';

export interface LabelRow {
  file: string;
  expected: Expected;
  category: string;
  /** What the labeller saw (faces-wild-dev's 4th column); empty when the set has none. */
  note: string;
}

/** One CSV line into fields (RFC 4180 quoting: `"a, b"`, `""` for a quote). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

const HEADERS = ['file,expected,category', 'file,expected,category,note'];

/**
 * Parses labels.csv: faces-dev's `file,expected,category` or faces-wild-dev's
 * `file,expected,category,note` (quoted notes; expected keep | reject | either).
 */
export function parseLabels(csv: string, source = 'labels.csv'): LabelRow[] {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  if (!HEADERS.includes(header.replace(/\s/g, '')))
    throw new Error(`${source}: header must be ${HEADERS.join(' or ')}, got "${header}"`);
  return lines.map((line, i) => {
    const [file, expected, category, note = ''] = csvFields(line).map((s) => s.trim());
    if (expected !== 'keep' && expected !== 'reject' && expected !== 'either')
      throw new Error(
        `${source}:${i + 2}: expected must be keep, reject or either, got "${expected}" for ${file}`,
      );
    if (!file || !category)
      throw new Error(`${source}:${i + 2}: file and category are required, got "${line}"`);
    return { file, expected, category, note };
  });
}

/** `dir`/labels.csv, parsed. */
export function readLabels(dir: string): LabelRow[] {
  const path = join(dir, 'labels.csv');
  return parseLabels(readFileSync(path, 'utf8'), path);
}

/** Rows with a definite label (`either` rows are listed, never scored). */
export const isScoredLabel = (row: LabelRow): row is LabelRow & { expected: 'keep' | 'reject' } =>
  row.expected !== 'either';

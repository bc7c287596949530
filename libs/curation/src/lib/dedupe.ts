import { isKept, type Manifest, type StoredFile } from '@portrait-forge/manifest';
import { writeDecisionsCsv } from './csv';
import { hammingDistance } from './hash';

/** dHash bits that may differ for two aligned crops to count as the same picture (re-encode, resize). */
export const DEFAULT_NEAR_DISTANCE = 4;

export interface DuplicateGroup {
  best: StoredFile;
  others: StoredFile[];
  kind: 'exact' | 'near';
}

/**
 * Better copy first: kept (ignoring earlier duplicate links), then lower face BRISQUE (the whole-photo
 * one where no face was scored; it is only stored with --photo-brisque), then larger face, then path.
 */
function better(a: StoredFile, b: StoredFile): number {
  const keep = (f: StoredFile) => isKept({ ...f, duplicateOf: null });
  if (keep(a) !== keep(b)) return keep(a) ? -1 : 1;
  const quality = (f: StoredFile) => f.scores.faceBrisque ?? f.scores.brisque ?? 100;
  const q = quality(a) - quality(b);
  if (q !== 0) return q;
  const s = (b.scores.faceSize ?? 0) - (a.scores.faceSize ?? 0);
  if (s !== 0) return s;
  return a.path < b.path ? -1 : 1;
}

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) i = this.parent[i] = this.parent[this.parent[i]];
    return i;
  }
  union(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }
}

/**
 * Groups exact duplicates (same sha256) and near duplicates (aligned-crop dHash within
 * `nearDistance` bits). Candidate pairs come from 8-bit hash chunks: with ≤ 7 differing bits, some
 * chunk of the 8 is identical, so comparing within equal-chunk buckets finds every pair.
 */
export function findDuplicates(files: StoredFile[], nearDistance = DEFAULT_NEAR_DISTANCE): DuplicateGroup[] {
  if (nearDistance > 7) throw new Error('nearDistance must be ≤ 7 bits (chunked search)');
  const uf = new UnionFind(files.length);
  const exactPairs = new Set<number>();
  const bySha = new Map<string, number>();
  files.forEach((f, i) => {
    if (!f.sha256) return;
    const first = bySha.get(f.sha256);
    if (first === undefined) bySha.set(f.sha256, i);
    else {
      uf.union(i, first);
      exactPairs.add(i);
    }
  });
  const buckets = new Map<string, number[]>();
  files.forEach((f, i) => {
    const hash = f.phash;
    if (!hash || f.duplicateOf !== null || exactPairs.has(i)) return;
    for (let c = 0; c < 8; c++) {
      const key = `${c}:${hash.slice(2 * c, 2 * c + 2)}`;
      const list = buckets.get(key) ?? [];
      for (const j of list) {
        if (uf.find(i) !== uf.find(j) && hammingDistance(hash, files[j].phash ?? '') <= nearDistance)
          uf.union(i, j);
      }
      list.push(i);
      buckets.set(key, list);
    }
  });
  const groups = new Map<number, number[]>();
  files.forEach((_, i) => {
    const root = uf.find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  });
  const result: DuplicateGroup[] = [];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const sorted = members.map((i) => files[i]).sort(better);
    const kind = sorted.every((f) => f.sha256 === sorted[0].sha256) ? 'exact' : 'near';
    result.push({ best: sorted[0], others: sorted.slice(1), kind });
  }
  return result.sort((a, b) => (a.best.path < b.best.path ? -1 : 1));
}

export interface DedupeResult {
  groups: DuplicateGroup[];
  /** Files now marked duplicate_of their group's best copy. */
  duplicates: number;
}

/**
 * The `dedupe` command: replaces every duplicate link (earlier links are ignored when choosing the
 * best copy), records a `dedupe` run and rewrites decisions.csv.
 */
export function markDuplicates(
  manifest: Manifest,
  options: { distance: number; exactOnly: boolean },
): DedupeResult {
  const files = manifest.files().map((f) => ({ ...f, duplicateOf: null }));
  const groups = findDuplicates(
    options.exactOnly ? files.map((f) => ({ ...f, phash: null })) : files,
    options.distance,
  );
  const links = groups.flatMap((g) => g.others.map((o) => ({ id: o.id, duplicateOf: g.best.id })));
  const run = manifest.startRun({
    kind: 'dedupe',
    inputRoot: null,
    config: options,
    thresholds: {},
    versions: {},
  });
  manifest.setDuplicates(links);
  manifest.endRun(run, { groups: groups.length, duplicates: links.length });
  writeDecisionsCsv(manifest);
  return { groups, duplicates: links.length };
}

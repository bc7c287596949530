/**
 * Child-process entry of DecisionsCsvSync: rewrites decisions.csv from the manifest with the curation
 * lib's one CSV writer, atomically (temp + rename). Run apart so that reading every row (seconds and
 * hundreds of MB at 200 k files) neither blocks the server's event loop nor stays in its heap.
 * Usage: node --require tsx/cjs write-csv.ts MANIFEST CSV
 */
import { decisionsCsv } from '@portrait-forge/curation/decide';
import { Manifest } from '@portrait-forge/manifest';
import { renameSync, writeFileSync } from 'node:fs';

const [manifestFile, csvFile] = process.argv.slice(2);
const manifest = Manifest.open(manifestFile, { readonly: true });
const text = decisionsCsv(manifest.files({ faces: false }));
manifest.close();
const tmp = `${csvFile}.${process.pid}.tmp`;
writeFileSync(tmp, text);
renameSync(tmp, csvFile);

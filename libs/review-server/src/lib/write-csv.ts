/**
 * Child-process entry of DecisionsCsvSync: rewrites decisions.csv beside the manifest with the
 * curation lib's one CSV writer (atomic). Run apart so that reading every row (seconds and hundreds
 * of MB at 200 k files) neither blocks the server's event loop nor stays in its heap.
 * Usage: node --require tsx/cjs write-csv.ts MANIFEST
 */
import { writeDecisionsCsv } from '@portrait-forge/curation/decide';
import { Manifest } from '@portrait-forge/manifest';

const manifest = Manifest.open(process.argv[2], { readonly: true });
writeDecisionsCsv(manifest);
manifest.close();

// Sums the per-project Jest summaries written by summary-reporter.js into one plain line.
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
const total = { passed: 0, failed: 0, skipped: 0 };
for (const file of files) {
  const s = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  for (const k of Object.keys(total)) total[k] += s[k];
}
if (files.length === 0) total.failed = 1; // no Jest project reported: that is a failure, not a pass
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 ? 1 : 0);

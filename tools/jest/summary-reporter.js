// Writes each Jest project's totals to $JEST_SUMMARY_DIR/<project>.json so .ci/run can print one
// `N passed, N failed` line for the whole workspace (Nx runs one Jest per project).
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    const dir = process.env.JEST_SUMMARY_DIR;
    if (!dir) return;
    fs.mkdirSync(dir, { recursive: true });
    const name = path.basename(this.globalConfig.rootDir);
    const failedSuites = results.numRuntimeErrorTestSuites + (results.wasInterrupted ? 1 : 0);
    const summary = {
      project: name,
      passed: results.numPassedTests,
      failed: results.numFailedTests + failedSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(summary) + '\n');
  }
}

module.exports = SummaryReporter;

/**
 * Worker-thread entry: loads the models once (`init`), then analyses one file per `job` message.
 * Started by pool.ts through a tiny bootstrap that registers tsx, so it runs from nx, tsx and Jest.
 */
import { parentPort } from 'node:worker_threads';
import { createAnalyzer, type AnalysisConfig, type AnalysisJob, type Analyzer } from './analyse';
import type { WorkerReply, WorkerRequest } from './pool';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const log = (line: string) => port.postMessage({ type: 'log', line } satisfies WorkerReply);

let analyzer: Promise<Analyzer> | null = null;

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'init') {
    analyzer = createAnalyzer(request.config as AnalysisConfig, log);
    analyzer.then(
      (a) => port.postMessage({ type: 'ready', backends: a.backends } satisfies WorkerReply),
      (err: unknown) =>
        port.postMessage({
          type: 'init_error',
          message: err instanceof Error ? err.message : String(err),
        } satisfies WorkerReply),
    );
    return;
  }
  const job: AnalysisJob = request.job;
  if (!analyzer) throw new Error('job before init');
  if (request.crash) process.exit(70); // fault injection (WorkerPoolOptions.crashOn): ends this thread only
  analyzer
    .then((a) => a.analyse(job))
    .then(
      (analysis) => port.postMessage({ type: 'result', id: request.id, analysis } satisfies WorkerReply),
      (err: unknown) =>
        port.postMessage({
          type: 'job_error',
          id: request.id,
          message: err instanceof Error ? err.message : String(err),
        } satisfies WorkerReply),
    );
});

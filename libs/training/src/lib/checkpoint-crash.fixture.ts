// Child process for checkpoint.spec.ts: starts overwriting a checkpoint and SIGKILLs itself mid-write.
import { saveCheckpoint } from './checkpoint';

const [file, killAfterBytes] = process.argv.slice(2);
const big = new Float32Array(4_000_000).fill(2);
saveCheckpoint(
  file,
  { meta: { generation: 2 }, groups: { G: { w: { shape: [big.length], dtype: 'float32', data: big } } } },
  (written) => {
    if (written >= Number(killAfterBytes)) process.kill(process.pid, 'SIGKILL');
  },
);

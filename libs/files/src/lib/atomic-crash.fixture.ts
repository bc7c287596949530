// Child process for atomic.spec.ts: starts overwriting a file and SIGKILLs itself mid-write.
import { writeFileAtomic } from './atomic';

const [file, killAfterBytes] = process.argv.slice(2);
const big = new Uint8Array(16_000_000).fill(2);
writeFileAtomic(file, big, {
  hook: (written) => {
    if (written >= Number(killAfterBytes)) process.kill(process.pid, 'SIGKILL');
  },
});

import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { decodeEvent, encodeFileVersionEvent, encodeScalarEvent, type TfEvent } from './event';
import { frameRecord, readRecords } from './tfrecord';

/** Files TensorBoard picks up: `events.out.tfevents.<seconds>.<host>` (TF's naming). */
export const EVENT_FILE_RE = /^events\.out\.tfevents\./;

export function eventFileName(wallTimeSec: number, host = hostname()): string {
  return `events.out.tfevents.${Math.floor(wallTimeSec)}.${host}`;
}

/**
 * Appends scalar events to one `events.out.tfevents.*` file in `logDir` (TensorBoard's `--logdir`).
 * Each record is appended whole with one write, so a killed run leaves only complete records behind.
 */
export class EventFileWriter {
  readonly path: string;
  private readonly now: () => number;

  constructor(logDir: string, now: () => number = () => Date.now() / 1000) {
    this.now = now;
    mkdirSync(logDir, { recursive: true });
    let t = now();
    // A second writer in the same second (a quick resume) gets the next second's name, never a shared file.
    while (existsSync(join(logDir, eventFileName(t)))) t += 1;
    this.path = join(logDir, eventFileName(t));
    appendFileSync(this.path, frameRecord(encodeFileVersionEvent(now())));
  }

  /** One Event holding every scalar of `values` at `step`; non-finite values are written as they are. */
  writeScalars(step: number, values: Record<string, number>, wallTime = this.now()): void {
    const scalars = Object.entries(values).map(([tag, value]) => ({ tag, value }));
    if (scalars.length === 0) return;
    appendFileSync(this.path, frameRecord(encodeScalarEvent(wallTime, step, scalars)));
  }
}

/** Every event of a TFRecord event file, CRCs checked (an error names the file and the byte offset). */
export function readEventFile(path: string): TfEvent[] {
  return readRecords(readFileSync(path), path).map((r, i) => decodeEvent(r, `${path} record ${i}`));
}

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c, maskedCrc32c } from './crc32c';
import { FILE_VERSION } from './event';
import { EVENT_FILE_RE, EventFileWriter, readEventFile } from './event-file';

const REAL_FILE = join(__dirname, '__fixtures__', 'events.out.tfevents.1585769947.cvp');

describe('crc32c', () => {
  it('matches the CRC-32C check value and a masked value computed by TensorFlow', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    // The fixture's first record header: its length CRC was written by TensorFlow.
    const real = readFileSync(REAL_FILE);
    expect(maskedCrc32c(real.subarray(0, 8))).toBe(real.readUInt32LE(8));
  });
});

describe('EventFileWriter / readEventFile', () => {
  it('writes events.out.tfevents.* that read back with CRCs checked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-'));
    const writer = new EventFileWriter(dir, () => 1_700_000_000.25);
    writer.writeScalars(4000, { 'Loss/G/loss': 1.5, 'Metrics/fid50k_full': 12.25 });
    writer.writeScalars(8000, { 'Loss/G/loss': Number.NaN }, 1_700_000_100);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(EVENT_FILE_RE);
    expect(files[0]).toMatch(/^events\.out\.tfevents\.1700000000\./);
    const events = readEventFile(writer.path);
    expect(events[0].fileVersion).toBe(FILE_VERSION);
    expect(events[1]).toMatchObject({
      wallTime: 1_700_000_000.25,
      step: 4000,
      scalars: [
        { tag: 'Loss/G/loss', value: 1.5 },
        { tag: 'Metrics/fid50k_full', value: 12.25 },
      ],
    });
    expect(events[2].step).toBe(8000);
    expect(events[2].scalars[0].value).toBeNaN();
    // A second writer in the same second does not share or overwrite the file.
    const second = new EventFileWriter(dir, () => 1_700_000_000.25);
    expect(second.path).not.toBe(writer.path);
    expect(readEventFile(writer.path)).toHaveLength(3);
  });

  it('rejects a flipped byte and a truncated file, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-'));
    const writer = new EventFileWriter(dir);
    writer.writeScalars(1, { a: 2 });
    const bytes = readFileSync(writer.path);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 6] ^= 0xff;
    const bad = join(dir, 'flipped');
    writeFileSync(bad, flipped);
    expect(() => readEventFile(bad)).toThrow(/flipped: data CRC mismatch/);
    const cut = join(dir, 'cut');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 3));
    expect(() => readEventFile(cut)).toThrow(/cut: record at byte \d+ runs past the end/);
  });
});

describe('a real event file written by TensorFlow (wandb test asset, see __fixtures__/SOURCE.md)', () => {
  const events = readEventFile(REAL_FILE);

  it('passes every CRC and decodes its header, graph and scalars', () => {
    expect(events).toHaveLength(105);
    expect(events[0].fileVersion).toBe(FILE_VERSION);
    expect(events[1].otherFields).toContain(4); // graph_def
    const tags = new Set(events.flatMap((e) => e.scalars.map((s) => s.tag)));
    expect([...tags]).toEqual(expect.arrayContaining(['batch_loss', 'batch_acc']));
    const loss = events.flatMap((e) => e.scalars.filter((s) => s.tag === 'batch_loss'));
    expect(loss.length).toBeGreaterThan(0);
    for (const s of loss) expect(Number.isFinite(s.value)).toBe(true);
    // wall times are seconds since 1970 around the name's timestamp
    expect(Math.abs(events[0].wallTime - 1585769947)).toBeLessThan(3600);
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

export const SAMPLES = resolve(__dirname, '../../../../data/samples');
export const CLI = resolve(__dirname, '../main.ts');

/** A PNG whose header claims width×height (8-bit gray) with only a few rows of data: a decompression bomb. */
export function pngBomb(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  const rows = deflateSync(Buffer.alloc((width + 1) * 4));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A portrait photo small enough to keep the tests quick (Grace Hopper, public domain). */
export const portrait = (width = 360) => sharp(join(SAMPLES, 'grace_hopper.jpg')).resize({ width });

export interface BadCorpus {
  dir: string;
  /** file → expected first reason, 'keep', or 'reject' (any reason). */
  expected: Record<string, string>;
}

/** Writes every kind of bad input the issue lists (plus good portraits under odd names/encodings). */
export async function writeBadCorpus(base: string): Promise<BadCorpus> {
  const dir = join(base, 'in');
  const outside = join(base, 'outside');
  mkdirSync(join(dir, 'nested dir'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  const jpeg = await portrait().jpeg({ quality: 90 }).toBuffer();
  const put = (name: string, data: Buffer | string) => writeFileSync(join(dir, name), data);
  put('zero-bytes.jpg', Buffer.alloc(0));
  put('truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  put('text-as.jpg', 'this is not an image, just text\n');
  put('bomb-30000x30000.png', pngBomb(30000, 30000));
  put('cmyk.jpg', await portrait().toColourspace('cmyk').jpeg().toBuffer());
  put('sixteen-bit.png', await portrait().toColourspace('rgb16').png().toBuffer());
  const frames = [await portrait(120).png().toBuffer(), await portrait(120).negate().png().toBuffer()];
  put(
    'animated.gif',
    await sharp(frames, { join: { animated: true } })
      .gif({ loop: 0 })
      .toBuffer(),
  );
  put(
    'one-pixel.png',
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } })
      .png()
      .toBuffer(),
  );
  put(
    'strip-10000x10.png',
    await sharp({ create: { width: 10000, height: 10, channels: 3, background: '#a0a0a0' } })
      .png()
      .toBuffer(),
  );
  put(
    'vector.svg',
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="20" fill="red"/></svg>',
  );
  put('nested dir/Grace Hopper – ü 写真.jpg', jpeg);
  writeFileSync(join(outside, 'outside.jpg'), jpeg);
  symlinkSync(join(outside, 'outside.jpg'), join(dir, 'link-outside.jpg'));
  symlinkSync(join(dir, 'gone.jpg'), join(dir, 'broken-link.jpg'));
  execFileSync('mkfifo', [join(dir, 'fifo.jpg')]);
  const expected: Record<string, string> = {
    'zero-bytes.jpg': 'decode_error',
    'truncated.jpg': 'decode_error',
    'text-as.jpg': 'decode_error',
    'bomb-30000x30000.png': 'decode_error',
    'cmyk.jpg': 'keep',
    'sixteen-bit.png': 'keep',
    'animated.gif': 'reject',
    'one-pixel.png': 'bad_image',
    'strip-10000x10.png': 'bad_image',
    'vector.svg': 'not_a_photo',
    'nested dir/Grace Hopper – ü 写真.jpg': 'keep',
    'link-outside.jpg': 'symlink_outside_input',
    'broken-link.jpg': 'unreadable',
    'fifo.jpg': 'not_a_file',
  };
  // chmod 000 cannot stop root from reading; only check permission errors when not root.
  if (process.getuid?.() !== 0) {
    put('no-permission.jpg', jpeg);
    chmodSync(join(dir, 'no-permission.jpg'), 0o000);
    expected['no-permission.jpg'] = 'unreadable';
  }
  return { dir, expected };
}

export const readText = (file: string) => readFileSync(file, 'utf8');

export const WORKSPACE = resolve(__dirname, '../../../..');

/**
 * `node --import tsx` in one process (the tsx binary forks a child, which a SIGKILL would orphan);
 * --import, not -r tsx/cjs, so that main.ts's import() of a command's program resolves .ts files.
 */
export const NODE_TSX = [process.execPath, ['--import', 'tsx']] as const;

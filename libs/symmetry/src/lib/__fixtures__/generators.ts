/** Mirrors of reference.py's generators, so specs rebuild the inputs the reference values came from. */
export function testImage(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = (x * 37 + y * 91 + c * 53 + x * y * 7) % 201;
  return out;
}

export function pred320(): Float32Array {
  const out = new Float32Array(320 * 320);
  for (let y = 0; y < 320; y++)
    for (let x = 0; x < 320; x++) out[y * 320 + x] = ((x * x + 3 * y) % 1000) / 37 - 5;
  return out;
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

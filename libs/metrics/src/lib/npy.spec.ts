import { featureMatrix } from './matrix';
import { formatNpy, parseNpy } from './npy';

/** Bytes numpy 1.26 writes for np.save(f, np.array([[1, 2, 3], [4, 5, 6]], dtype='<f8')). */
function numpyV1Float64(): Buffer {
  const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
  const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
  return Buffer.concat([
    prefix,
    Buffer.from(padded, 'latin1'),
    Buffer.from(Float64Array.from([1, 2, 3, 4, 5, 6]).buffer),
  ]);
}

describe('.npy codec', () => {
  it('reads a numpy v1 float64 file', () => {
    const m = parseNpy(numpyV1Float64());
    expect([m.rows, m.cols]).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads a v2 header (4-byte length) and float32 data', () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }\n";
    const prefix = Buffer.alloc(12);
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]).copy(prefix);
    prefix.writeUInt32LE(header.length, 8);
    const m = parseNpy(
      Buffer.concat([prefix, Buffer.from(header), Buffer.from(Float32Array.from([0.5, -2]).buffer)]),
    );
    expect(Array.from(m.data)).toEqual([0.5, -2]);
  });

  it('round-trips float32 and float64 with a 64-byte-aligned header', () => {
    const m = featureMatrix(3, 2, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    const f64 = formatNpy(m, 'float64');
    expect(Array.from(parseNpy(f64).data)).toEqual(Array.from(m.data));
    expect((f64.length - 6 * 8) % 64).toBe(0);
    const f32 = parseNpy(formatNpy(m, 'float32'));
    f32.data.forEach((v, i) => expect(v).toBeCloseTo(m.data[i], 6));
  });

  it('explains bad input', () => {
    expect(() => parseNpy(Buffer.from('hello world'), 'x.npy')).toThrow(/x\.npy: not a \.npy file/);
    const int = Buffer.from(numpyV1Float64().toString('latin1').replace('<f8', '<i8'), 'latin1');
    expect(() => parseNpy(int, 'ints.npy')).toThrow(/dtype '<i8' is not supported.*astype/);
    const oneD = formatNpy(featureMatrix(1, 2, [1, 2]))
      .toString('latin1')
      .replace('(1, 2)', '(2,)  ');
    expect(() => parseNpy(Buffer.from(oneD, 'latin1'), 'v.npy')).toThrow(
      /expected a 2-d N × D array, got shape \(2\)/,
    );
    expect(() => parseNpy(numpyV1Float64().subarray(0, 140), 't.npy')).toThrow(/t\.npy: truncated/);
  });
});

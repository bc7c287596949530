/** N × D feature matrix, row-major, float64 (all metric maths runs in float64). */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function featureMatrix(rows: number, cols: number, data?: ArrayLike<number>): FeatureMatrix {
  if (data && data.length !== rows * cols) {
    throw new Error(`feature matrix ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
  }
  return { rows, cols, data: data ? Float64Array.from(data) : new Float64Array(rows * cols) };
}

/** Stacks per-image feature vectors (all of one length) into a matrix. */
export function fromRows(rows: ArrayLike<number>[]): FeatureMatrix {
  if (rows.length === 0) throw new Error('no feature vectors to stack');
  const cols = rows[0].length;
  const out = featureMatrix(rows.length, cols);
  rows.forEach((row, i) => {
    if (row.length !== cols)
      throw new Error(`feature vector ${i} has ${row.length} values, expected ${cols}`);
    out.data.set(row, i * cols);
  });
  return out;
}

export function row(m: FeatureMatrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Rows `indices` of `m` as a new matrix. */
export function selectRows(m: FeatureMatrix, indices: ArrayLike<number>): FeatureMatrix {
  const out = featureMatrix(indices.length, m.cols);
  for (let i = 0; i < indices.length; i++) out.data.set(row(m, indices[i]), i * m.cols);
  return out;
}

export function assertSameDim(a: FeatureMatrix, b: FeatureMatrix, what: string): void {
  if (a.cols !== b.cols) {
    throw new Error(
      `${what}: feature sets have different dimensions (${a.cols} vs ${b.cols}); extract both with the same extractor`,
    );
  }
}

/** a[pa..pa+d) · b[pb..pb+d), 4-way unrolled (the hot loop of KID, P/R and k-means). */
export function dot(a: Float64Array, pa: number, b: Float64Array, pb: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < d; k += 4) {
    s0 += a[pa + k] * b[pb + k];
    s1 += a[pa + k + 1] * b[pb + k + 1];
    s2 += a[pa + k + 2] * b[pb + k + 2];
    s3 += a[pa + k + 3] * b[pb + k + 3];
  }
  for (; k < d; k++) s0 += a[pa + k] * b[pb + k];
  return s0 + s1 + s2 + s3;
}

/** Squared L2 norm of every row. */
export function rowNorms(m: FeatureMatrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = dot(m.data, i * m.cols, m.data, i * m.cols, m.cols);
  return out;
}

/** Squared Euclidean distances between every row of `a` and every row of `b` (a.rows × b.rows). */
export function squaredDistances(a: FeatureMatrix, b: FeatureMatrix): Float64Array {
  const normsA = rowNorms(a);
  const normsB = rowNorms(b);
  const out = new Float64Array(a.rows * b.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.rows; j++) {
      out[i * b.rows + j] = Math.max(
        normsA[i] + normsB[j] - 2 * dot(a.data, i * a.cols, b.data, j * b.cols, a.cols),
        0,
      );
    }
  }
  return out;
}

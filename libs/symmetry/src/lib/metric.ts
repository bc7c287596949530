/**
 * The seed's pose-symmetry metric ("Pose homogenization"): split the silhouette mask at
 * `width // 2`, mirror the right half, sum each row of each half (`cv.reduce(..., REDUCE_SUM,
 * CV_32F)`) and compare the two row profiles with OpenCV's `HISTCMP_BHATTACHARYYA`.
 * 0 = perfectly mirror-symmetric; larger = more asymmetric. The seed keeps images below 0.06.
 */

/** The seed's cut. Calibrated for U-2-Net masks; see the README for other backends. */
export const DEFAULT_SYMMETRY_THRESHOLD = 0.06;

export interface RowProfiles {
  /** Row sums of the left half, columns [0, width // 2). */
  left: Float32Array;
  /** Row sums of the mirrored right half, columns [width // 2, width) read right-to-left. */
  right: Float32Array;
}

/**
 * Row sums as `cv.reduce(..., 1, REDUCE_SUM, dtype=CV_32F)` does: float32 accumulation.
 * For odd widths the right half is one column wider (numpy `img[:, w // 2:]`), as in the seed.
 */
export function rowProfiles(mask: ArrayLike<number>, width: number, height: number): RowProfiles {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 2 || height < 1) {
    throw new Error(`symmetry: mask must be at least 2×1 pixels, got ${width}×${height}`);
  }
  if (mask.length !== width * height) {
    throw new Error(
      `symmetry: mask has ${mask.length} values, expected ${width}×${height} = ${width * height}`,
    );
  }
  const cut = Math.floor(width / 2);
  const left = new Float32Array(height);
  const right = new Float32Array(height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let l = 0;
    for (let x = 0; x < cut; x++) l = Math.fround(l + mask[row + x]);
    // Flipping the right half reverses column order; OpenCV sums it in that mirrored order.
    let r = 0;
    for (let x = width - 1; x >= cut; x--) r = Math.fround(r + mask[row + x]);
    left[y] = l;
    right[y] = r;
  }
  return { left, right };
}

const FLT_EPSILON = 1.1920928955078125e-7;

/**
 * OpenCV `compareHist(h1, h2, HISTCMP_BHATTACHARYYA)` (imgproc/src/histogram.cpp):
 * sqrt(max(0, 1 − Σ√(h1·h2) / √(Σh1·Σh2))), with the scale taken as 1 when Σh1·Σh2 ≤ FLT_EPSILON.
 * (Σh1·Σh2 is the documented mean1·mean2·N².) Two empty profiles therefore give 1, not NaN.
 */
export function bhattacharyyaDistance(h1: ArrayLike<number>, h2: ArrayLike<number>): number {
  if (h1.length !== h2.length)
    throw new Error(`bhattacharyya: histograms differ in length (${h1.length} vs ${h2.length})`);
  let overlap = 0;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < h1.length; i++) {
    overlap += Math.sqrt(h1[i] * h2[i]);
    s1 += h1[i];
    s2 += h2[i];
  }
  const product = s1 * s2;
  const scale = Math.abs(product) > FLT_EPSILON ? 1 / Math.sqrt(product) : 1;
  return Math.sqrt(Math.max(1 - overlap * scale, 0));
}

/**
 * The seed's symmetry metric over a row-major single-channel mask (any non-negative scale:
 * the distance is scale-invariant, so 0..1 floats and 0..255 bytes agree up to rounding).
 * The seed's 3-channel gray image gives the same value: each channel repeats the same sums.
 */
export function symmetryScore(mask: ArrayLike<number>, width: number, height: number): number {
  const { left, right } = rowProfiles(mask, width, height);
  return bhattacharyyaDistance(left, right);
}

// Lanczos approximation (g = 7, n = 9): relative error ~1e-15 for x > 0, enough to reproduce
// the C library's tgamma on BRISQUE's 0.001-step shape grid.
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
// Math functions aliased once: under Jest's vm context every `Math.x` lookup is slow.
const { exp, pow, sin, sqrt, PI } = Math;
const SQRT_TWO_PI = sqrt(2 * PI);

/** Γ(x), the gamma function (C's `tgamma`), for real x (reflection below 0.5). */
export function gammaFunction(x: number): number {
  if (x < 0.5) return PI / (sin(PI * x) * gammaFunction(1 - x));
  const z = x - 1;
  let series = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) series += LANCZOS_COEFFICIENTS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return SQRT_TWO_PI * pow(t, z + 0.5) * exp(-t) * series;
}

/** ρ(γ) = Γ(2/γ)² / (Γ(1/γ) Γ(3/γ)), the generalised-Gaussian moment ratio the shape fit inverts. */
export function momentRatio(shape: number): number {
  const g2 = gammaFunction(2 / shape);
  return (g2 * g2) / (gammaFunction(1 / shape) * gammaFunction(3 / shape));
}

// Special functions to float64 accuracy (erf, erfc), which Math lacks.

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** erf(x) for |x| < 2.5 from the all-positive series erf(x) = 2/√π e^{-x²} Σ (2x²)^n x / (1·3···(2n+1)). */
function erfSeries(x: number): number {
  const ax = Math.abs(x);
  const x2 = ax * ax;
  let term = ax;
  let sum = ax;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  return x < 0 ? -r : r;
}

/** erfc(x) for x >= 1 from its continued fraction (modified Lentz). */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = f;
  let d = 0;
  for (let n = 1; n < 5000; n++) {
    const a = n / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    d = 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** The error function, accurate to a few ulps over the whole real line. */
export function erf(x: number): number {
  if (x !== x) return x;
  const ax = Math.abs(x);
  if (ax < 2.5) return erfSeries(x);
  if (ax > 6) return x > 0 ? 1 : -1;
  const r = 1 - erfcContinuedFraction(ax);
  return x > 0 ? r : -r;
}

/** The complementary error function 1 - erf(x), accurate in its tail (no cancellation). */
export function erfc(x: number): number {
  if (x !== x) return x;
  if (x < 0) return 2 - erfc(-x);
  // Below 1 the series loses at most a digit to cancellation; above it the continued fraction converges.
  if (x < 1) return 1 - erfSeries(x);
  if (x > 27.3) return 0;
  return erfcContinuedFraction(x);
}

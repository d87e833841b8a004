// Bit-exact reimplementation of NumPy's legacy `np.random.seed` / `RandomState` stream (MT19937), for reproducing NumPy programs.
/**
 * # NumPy's legacy random stream, bit for bit
 *
 * `np.random.seed(s)` followed by `np.random.randn(...)`, `np.random.rand(...)`, `np.random.uniform(...)`
 * or `np.random.randint(...)` draws from a `RandomState` backed by the 32-bit Mersenne Twister
 * (MT19937, Matsumoto & Nishimura 1998). {@link NumpyRandom} reproduces that stream exactly, so a
 * NumPy tutorial's data and initial weights can be regenerated in JavaScript with the same float64 bits.
 *
 * The algorithm, as in NumPy's `numpy/random/src/mt19937` and `numpy/random/src/legacy` sources:
 *
 * - **Seeding.** An integer seed `s` in `[0, 2^32 - 1]` goes through `mt19937_seed`, which is the reference
 *   `init_genrand`: `mt[0] = s`, `mt[i] = 1812433253 * (mt[i-1] ^ (mt[i-1] >>> 30)) + i` (mod 2^32). (NumPy's
 *   `_legacy_seeding` only uses `init_by_array` when the seed is an array; checked against
 *   `np.random.get_state()` for seed 42: the key starts `42, 3107752595, 1895908407, 3900362577`.) An
 *   array seed goes through `init_by_array` (seeded first with `init_genrand(19650218)`), as in NumPy.
 *   Seeding also clears the cached Gaussian.
 * - **32-bit draws.** The state of 624 words is regenerated ("twisted") every 624 draws; each word is
 *   tempered with the shifts 11, 7 (mask `0x9d2c5680`), 15 (mask `0xefc60000`) and 18.
 * - **Doubles** (`random_sample`, `rand`): two 32-bit draws `a`, `b` give
 *   `((a >>> 5) * 2^26 + (b >>> 6)) / 2^53`, a multiple of 2^-53 in `[0, 1)`.
 * - **Normals** (`randn`, `standard_normal`): `legacy_gauss`, Marsaglia's polar method. Draw
 *   `x1 = 2u1 - 1`, `x2 = 2u2 - 1` until `0 < r2 = x1^2 + x2^2 < 1`; with `f = sqrt(-2 ln(r2) / r2)` return
 *   `f * x2` and cache `f * x1` for the next call. The cache is part of the state: an odd number of normals
 *   leaves one value behind, which the next normal draw returns first (as NumPy does).
 * - **Uniform** (`uniform(low, high)`): `low + (high - low) * random_sample()`.
 * - **Integers** (`randint(low, high)`, int64 results): with `rng = high - low - 1`, draw 32-bit words masked to
 *   the smallest `2^k - 1 >= rng` and reject those above `rng` (NumPy's legacy "masked" rejection sampling).
 *   `rng = 0` draws nothing. Ranges wider than 2^32 are not implemented.
 *
 * 32-bit arithmetic uses `Math.imul` and `>>> 0` so every intermediate stays an exact uint32.
 *
 * NOTE: the only step that is not exact integer or IEEE-754 arithmetic is the natural log in the polar method.
 * NumPy calls the C library's `log`; V8's `Math.log` disagrees with glibc's in the last bit for about 3% of
 * inputs, which would make about 1 normal in 30 differ. {@link glibcLog} therefore replays glibc's own
 * algorithm (table, polynomials and the FMA contractions of its x86-64 `__log_fma` build), with an exact
 * software FMA. Against NumPy 2.4 on glibc 2.36 (x86-64 with FMA) this matched every one of 500,000 normals and
 * 2,050,000 logs we compared. NumPy linked against another C library (macOS, Windows) may itself differ from
 * these values in the last bit of a few draws.
 */

import { ValueError } from "../errors.js";

/** Words in the Mersenne Twister state. */
const N = 624;
/** Twist offset. */
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** A snapshot of the generator, laid out like NumPy's `RandomState.get_state()` tuple. */
export interface NumpyRandomState {
  /** The 624 state words (`get_state()[1]`). */
  key: Uint32Array;
  /** Position of the next word to temper, 0..624 (`get_state()[2]`). */
  pos: number;
  /** Whether a second polar-method normal is cached (`get_state()[3]`). */
  hasGauss: boolean;
  /** The cached normal, 0 when none (`get_state()[4]`). */
  gauss: number;
}

/** Scratch bit view for reading and writing IEEE-754 doubles (big-endian order, so word 0 is the high word). */
const BITS = new DataView(new ArrayBuffer(8));
/** Dekker's splitter for exact products without a hardware FMA: 2^27 + 1. */
const SPLITTER = 134217729;

/**
 * `a * b + c` with a single rounding, as the x86 `vfmadd` instructions compute it.
 *
 * NOTE: JavaScript has no FMA, so this follows Boldo and Melquiond, "Emulation of FMA and correctly rounded
 * sums: proved algorithms using rounding to odd" (IEEE Trans. Computers, 2008): `a * b = uh + ul` exactly
 * (Dekker), `c + uh = th + tl` exactly (Knuth's TwoSum), then `RN(th + RO(tl + ul))`, where `RO` rounds to
 * odd. Exact for the finite, non-underflowing operands the log below feeds it.
 */
function fma(a: number, b: number, c: number): number {
  // uh + ul = a * b exactly.
  const uh = a * b;
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  const ul = aHi * bHi - uh + aHi * bLo + aLo * bHi + aLo * bLo;
  // th + tl = c + uh exactly.
  const th = c + uh;
  let bb = th - c;
  const tl = c - (th - bb) + (uh - bb);
  // v = RO(tl + ul): the nearest double, moved to its odd neighbour when inexact and even.
  let v = tl + ul;
  bb = v - tl;
  const err = tl - (v - bb) + (ul - bb);
  if (err !== 0) {
    BITS.setFloat64(0, v);
    const lowWord = BITS.getUint32(4);
    if ((lowWord & 1) === 0) {
      // Step one ulp away from or towards zero, whichever side the exact sum lies on.
      const away = err > 0 === v > 0;
      const hiWord = BITS.getUint32(0);
      if (away) {
        if (lowWord === 0xffffffff) BITS.setUint32(0, hiWord + 1);
        BITS.setUint32(4, lowWord + 1);
      } else {
        if (lowWord === 0) BITS.setUint32(0, hiWord - 1);
        BITS.setUint32(4, lowWord - 1);
      }
      v = BITS.getFloat64(0);
    }
  }
  return th + v;
}

/*
 * Coefficients and table of glibc's `log` (sysdeps/ieee754/dbl-64/e_log_data.c, from Arm's
 * optimized-routines, Copyright (c) 2018 Arm Ltd, MIT licence), read from glibc 2.36's libm and written as
 * shortest round-trip decimals.
 */
const LN2_HI = 0.6931471805598903;
const LN2_LO = 5.497923018708371e-14;
/** log1p(r) - r ~ r^2 A0 + r^3 A1 + ... for |r| < 1/256. */
const A0 = -0.5000000000000001;
const A1 = 0.33333333331825593;
const A2 = -0.2499999999622955;
const A3 = 0.20000304511814496;
const A4 = -0.16667054827627667;
/** log(1 + r) ~ r + r^2 B0 + r^3 B1 + ... near x = 1. */
const B0 = -0.5;
const B1 = 0.3333333333333352;
const B2 = -0.24999999999998432;
const B3 = 0.19999999999320328;
const B4 = -0.16666666669929706;
const B5 = 0.14285715076560868;
const B6 = -0.12499997863982555;
const B7 = 0.11110712032936046;
const B8 = -0.10000486757818193;
const B9 = 0.09181994006195467;
const B10 = -0.08328363062289341;
/** 128 pairs `invc, logc`: `1/c` and `log(c)` for `c` near the centre of each subinterval of `[0.6875, 1.375)`. */
const LOG_TABLE = new Float64Array([
  1.4504249240398293, -0.3718565645633589, 1.442253508327276, -0.36620682668944937, 1.4341736174350004,
  -0.3605888069791945, 1.426183816329995, -0.3550022171419869, 1.4182825527052965, -0.34944666968829097,
  1.4104682921759335, -0.3439217713603284, 1.4027396147468003, -0.3384271921261188, 1.3950954438932313,
  -0.332962831494342, 1.3875338232485754, -0.32752794345742586, 1.3800539211058593, -0.32212257167088865,
  1.3726542695419708, -0.3167462884799761, 1.3653332798446802, -0.3113985598928366, 1.358090204587874,
  -0.3060794515165526, 1.3509234892132138, -0.300788424667644, 1.3438320840699889, -0.2955252968476998,
  1.3368146974742003, -0.29028969275850613, 1.329870114677736, -0.2850812793277555, 1.322997339161106,
  -0.27989987391470095, 1.316195352741367, -0.27474526621870154, 1.3094628125672239, -0.2696169863701243,
  1.3027990455471041, -0.26451506180308115, 1.2962024229438942, -0.2594387762767383, 1.2896726275815547,
  -0.2543884090981692, 1.2832080305745537, -0.24936321635129843, 1.276807885983376, -0.24436312405975968,
  1.2704714060687552, -0.23938801747897287, 1.2641976054949482, -0.23443761696705678, 1.257985357514882,
  -0.22951151871518505, 1.2518337750655457, -0.2246094963439873, 1.2457421919097305, -0.21973149037705753,
  1.2397094966625508, -0.2148770752847895, 1.2337348463589233, -0.210046029103637, 1.2278176973028803,
  -0.20523836373934046, 1.2219570190618474, -0.20045368751368642, 1.2161519732977757, -0.1956917537758045,
  1.2104018095009725, -0.19095237845203883, 1.204705805718973, -0.18623539250290833, 1.1990631185441964,
  -0.18154051731551135, 1.1934733004462308, -0.1768677957431919, 1.1879350812847385, -0.17221657406412305,
  1.1824481322833125, -0.16758697765942543, 1.1770114976921955, -0.16297859687290384, 1.1716248121809465,
  -0.15839151377804228, 1.1662869231674715, -0.15382513241456763, 1.1609977486762766, -0.14927976358922024,
  1.1557563220795803, -0.14475495398119165, 1.1505619105480347, -0.14025044090817573, 1.1454138888505974,
  -0.1357660466685502, 1.140311877374656, -0.1313018016355727, 1.1352550225747513, -0.12685731518763532,
  1.1302429094831266, -0.1224325737671279, 1.1252747693068048, -0.11802724521862729, 1.1203501571039876,
  -0.11364127671663482, 1.1154683327680124, -0.10927434611278386, 1.1106291463292157, -0.10492665324943573,
  1.1058315813301596, -0.10059761422644442, 1.1010752177696026, -0.09628717309055901, 1.0963597137952512,
  -0.09199534069557558, 1.0916844827550398, -0.08772190036688698, 1.0870487291277784, -0.08346643613867855,
  1.082452357388312, -0.07922916827544668, 1.0778948225025884, -0.0750099004750382, 1.0733751731601076,
  -0.07080805133352897, 1.068893585073351, -0.06662408085151128, 1.0644491706655506, -0.06245745471915143,
  1.0600414846328305, -0.0583080438042316, 1.0556701316181605, -0.05417576112313327, 1.051334750556926,
  -0.050060547896805474, 1.0470347288442157, -0.045962101199052086, 1.0427699229652954, -0.04188056008865715,
  1.0385395013738175, -0.03781540056183985, 1.034343418940345, -0.03376684757915882, 1.0301811073173315,
  -0.029734619131772888, 1.026052043621297, -0.025718470239212365, 1.0219561082336197, -0.021718543925430822,
  1.0178926505784922, -0.01773446126981071, 1.0138614436244586, -0.013766252464051831, 1.0098620186501341,
  -0.009813706322574944, 1.0058938559734134, -0.005876555150052809, 1.00195696235014, -0.0019550499938532084,
  0.9961089923088509, 0.0038985973556009412, 0.9884170338185201, 0.011650571286395461, 0.9808429191005297,
  0.019342955478919066, 0.9733840169987446, 0.0269766014846482, 0.9660377568876556, 0.034552359728422744,
  0.9588014945307369, 0.04207121767183253, 0.9516728569073111, 0.049533940950141186, 0.9446494635965822,
  0.056941358295944156, 0.9377288993026223, 0.06429439168346107, 0.9309091073790681, 0.0715936354946507,
  0.924187681612722, 0.07884010933776153, 0.9175626765599192, 0.08603438905970506, 0.9110320403624034,
  0.09317721180013905, 0.9045935839762024, 0.10026951462748457, 0.8982456375922825, 0.10731170956330516,
  0.8919860966782501, 0.11430473320717738, 0.8858131121185129, 0.12124928503033061, 0.879725075760676,
  0.12814583422959913, 0.8737201372634685, 0.1349951636851756, 0.8677966405782273, 0.1417978768189414,
  0.8619528050060739, 0.14855476039031146, 0.8561872354420692, 0.1552661937658968, 0.8504983927816893,
  0.16193275688146969, 0.8448844572790304, 0.16855539792220497, 0.8393442741575965, 0.1751343179947753,
  0.8338762249349438, 0.1816702989864325, 0.8284789320557778, 0.18816387146023317, 0.8231510800065832,
  0.1946155228479256, 0.8178913903778707, 0.20102572579389744, 0.8126984007245374, 0.2073952090795501,
  0.8075710029460227, 0.21372429840596396, 0.8025078881160415, 0.2200135945981856, 0.7975077379364331,
  0.22626374162859975, 0.792569604966373, 0.23247494747693054, 0.7876923641254114, 0.23864766620658884,
  0.7828746724940998, 0.24478265647405806, 0.7781155388790811, 0.25088025827324145, 0.7734139557869777,
  0.2569408552510595, 0.7687687179914933, 0.26296511155101143, 0.7641790698041854, 0.2689531327189343,
  0.7596438763692399, 0.27490553924610595, 0.7551621951078668, 0.2808227248478943, 0.7507331780216866,
  0.286704979267256, 0.7463557196361751, 0.29255295645509705, 0.7420289364869653, 0.2983670386142876,
  0.7377521537065876, 0.30414734587282055, 0.7335242966002608, 0.30989455774829366, 0.729344777457841,
  0.31560871301871884,
]);

/**
 * The natural log exactly as glibc (2.28 and later) computes it on x86-64 CPUs with FMA, the `__log_fma`
 * variant that NumPy's `legacy_gauss` calls there.
 *
 * NOTE: NumPy's polar method calls the C library's `log`. V8's `Math.log` (an fdlibm port) differs from
 * glibc's by one ulp for about 3% of the `r2` values the polar method produces, and even a correctly rounded
 * log differs for about 0.08% (glibc's bound is 0.52 ulp), which already changes `X[76]` of the tutorial's
 * `randn(100, 2)` for seed 42. So this reproduces glibc's algorithm operation by operation, including the
 * FMA contractions GCC made in `__log_fma` (read from the machine code of glibc 2.36's libm): a table of 128
 * subintervals with `r = fma(z, 1/c, -1)` and a degree-6 polynomial, and a separate degree-12 polynomial for
 * `x` in `[1 - 2^-4, 1 + 0x1.09p-4)`. (The algorithm and its table are Szabolcs Nagy's from Arm's
 * optimized-routines, published under MIT OR Apache-2.0 WITH LLVM-exception, as glibc adopted them.) NumPy built against another C library (macOS, Windows) or run on a
 * CPU without FMA may differ from this (and from itself on Linux) in the last bit of a few draws.
 *
 * @param x Any number; zero, negative, infinite and NaN inputs go to `Math.log`, whose answers there are exact.
 * @example
 * ```ts
 * glibcLog(0.5); // -0.6931471805599453
 * ```
 */
export function glibcLog(x: number): number {
  if (!(x > 0) || x === Number.POSITIVE_INFINITY) return Math.log(x);
  if (x >= 0.9375 && x < 1.064697265625) {
    // Near 1: log1p(r) with r = x - 1 exact, hi + lo = r - r^2/2 to extra precision.
    if (x === 1) return 0;
    const r = x - 1;
    const r2 = r * r;
    const r3 = r * r2;
    const p1 = fma(r2, B3, fma(r, B2, B1));
    const p2 = fma(r2, B6, fma(r, B5, B4));
    const p3 = fma(r3, B10, fma(r2, B9, fma(r, B8, B7)));
    const q = fma(fma(p3, r3, p2), r3, p1);
    const rHi = fma(r, 134217728, r) - r * 134217728;
    const rLo = r - rHi;
    const rHi2 = rHi * rHi;
    const hi = fma(rHi2, B0, r);
    let lo = fma(rHi2, B0, r - hi);
    lo = fma(B0 * rLo, r + rHi, lo);
    return hi + fma(q, r3, lo);
  }
  let scale = 0;
  if (x < 2.2250738585072014e-308) {
    // Subnormal: normalise by 2^52 (exact) and take 52 off the exponent.
    x *= 4503599627370496;
    scale = -52;
  }
  BITS.setFloat64(0, x);
  const hiWord = BITS.getUint32(0);
  // x = 2^k z with z in [0x1.6p-1, 0x1.6p0): subtract the bits of 0x1.6p-1 (0x3fe60000 in the high word).
  const tmp = (hiWord - 0x3fe60000) | 0;
  const i = (tmp >>> 13) & 0x7f;
  const k = (tmp >> 20) + scale;
  BITS.setUint32(0, hiWord - (tmp & 0xfff00000));
  const z = BITS.getFloat64(0);
  const invc = LOG_TABLE[2 * i];
  const logc = LOG_TABLE[2 * i + 1];
  const r = fma(z, invc, -1);
  const w = fma(k, LN2_HI, logc);
  const hi = r + w;
  const lo = fma(k, LN2_LO, w - hi + r);
  const r2 = r * r;
  const r3 = r * r2;
  const poly = fma(fma(r, A4, A3), r2, fma(r, A2, A1));
  return fma(r3, poly, fma(r2, A0, lo)) + hi;
}

/** Validates a seed word: an integer in `[0, 2^32 - 1]`, as NumPy requires. */
function checkSeedWord(op: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new ValueError(op, `seed must be an integer between 0 and 2**32 - 1, got ${String(value)}`);
  }
  return value >>> 0;
}

/** Validates a shape given as dimensions and returns its element count. */
function shapeSize(op: string, shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(op, `dimensions must be non-negative integers, got [${shape.join(", ")}]`);
    }
    size *= d;
  }
  return size;
}

/**
 * NumPy's legacy global random stream (`np.random.seed(s)`, then `np.random.randn`, `rand`, `uniform`,
 * `randint`), reimplemented bit for bit. Array results are row-major `Float64Array`s, so a NumPy array of
 * shape `[100, 2]` becomes 200 numbers with element `[i, j]` at `2 * i + j`.
 *
 * Draw order matters exactly as in NumPy: each call consumes the stream where the previous one stopped,
 * including a Gaussian left cached by an odd-length `randn`.
 *
 * @example
 * ```ts
 * // Python: np.random.seed(42); X = np.random.randn(100, 2); W1 = np.random.randn(2, 4) * 0.01
 * const rng = new NumpyRandom(42);
 * const X = rng.randn(100, 2);          // X[0] === 0.4967141530112327, as NumPy
 * const W1 = rng.randn(2, 4).map((v) => v * 0.01);
 * ```
 */
export class NumpyRandom {
  private readonly mt = new Uint32Array(N);
  private pos = N;
  private hasGauss = false;
  private gauss = 0;

  /**
   * Creates a generator seeded like `np.random.seed(seed)`.
   *
   * @param seed An integer in `[0, 2^32 - 1]` (NumPy's `init_genrand` path), or a non-empty array of such
   *   integers (NumPy's `init_by_array` path). Defaults to 0.
   * @example
   * ```ts
   * const rng = new NumpyRandom(42);
   * ```
   */
  constructor(seed: number | readonly number[] = 0) {
    this.seed(seed);
  }

  /**
   * Reseeds in place, exactly like `np.random.seed(seed)`; clears the cached Gaussian.
   *
   * @param seed An integer in `[0, 2^32 - 1]`, or a non-empty array of them.
   * @example
   * ```ts
   * const rng = new NumpyRandom();
   * rng.seed(42);
   * rng.randomSample(); // Float64Array [0.3745401188473625]
   * ```
   */
  seed(seed: number | readonly number[]): void {
    if (typeof seed === "number") {
      this.initGenrand(checkSeedWord("NumpyRandom.seed", seed));
    } else {
      if (!Array.isArray(seed) || seed.length === 0) {
        throw new ValueError("NumpyRandom.seed", "seed array must be non-empty");
      }
      const key = seed.map((s) => checkSeedWord("NumpyRandom.seed", s));
      this.initByArray(key);
    }
    this.pos = N;
    this.hasGauss = false;
    this.gauss = 0;
  }

  /** Reference `init_genrand`, which is NumPy's `mt19937_seed`. */
  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1];
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
  }

  /** Reference `init_by_array`, which is NumPy's `mt19937_init_by_array`. */
  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1];
      mt[i] = ((mt[i] ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1];
      mt[i] = ((mt[i] ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    // MSB is 1, assuring a non-zero initial state.
    mt[0] = 0x80000000;
  }

  /** Regenerates all 624 words (the "twist"). */
  private twist(): void {
    const mt = this.mt;
    let kk = 0;
    let y: number;
    for (; kk < N - M; kk++) {
      y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /**
   * The next raw 32-bit output (NumPy's `mt19937_next32`), as a number in `[0, 2^32 - 1]`.
   *
   * @example
   * ```ts
   * new NumpyRandom(42).nextUint32(); // 1608637542
   * ```
   */
  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.mt[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * One double in `[0, 1)` with 53 random bits, as `np.random.random_sample()` (two 32-bit draws).
   *
   * @example
   * ```ts
   * new NumpyRandom(42).nextDouble(); // 0.3745401188473625
   * ```
   */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * One standard normal, as NumPy's `legacy_gauss` (polar method; returns the cached value first if any).
   *
   * @example
   * ```ts
   * new NumpyRandom(42).nextGaussian(); // 0.4967141530112327
   * ```
   */
  nextGaussian(): number {
    if (this.hasGauss) {
      const cached = this.gauss;
      this.hasGauss = false;
      this.gauss = 0;
      return cached;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.nextDouble() - 1;
      x2 = 2 * this.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * glibcLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /**
   * Uniform doubles in `[0, 1)`, as `np.random.random_sample(shape)` / `np.random.rand(*shape)`.
   *
   * @param shape The dimensions; the result has their product elements (1 for no dimensions).
   * @returns Row-major values.
   * @example
   * ```ts
   * new NumpyRandom(42).randomSample(2, 3); // 6 values, first 0.3745401188473625
   * ```
   */
  randomSample(...shape: number[]): Float64Array {
    const out = new Float64Array(shapeSize("NumpyRandom.randomSample", shape));
    for (let i = 0; i < out.length; i++) out[i] = this.nextDouble();
    return out;
  }

  /**
   * Alias of {@link NumpyRandom.randomSample}, named like `np.random.rand(*shape)`.
   *
   * @example
   * ```ts
   * new NumpyRandom(0).rand(3); // 3 values in [0, 1)
   * ```
   */
  rand(...shape: number[]): Float64Array {
    return this.randomSample(...shape);
  }

  /**
   * Standard normals, as `np.random.randn(*shape)` (NumPy's legacy polar-method Gaussian).
   *
   * @param shape The dimensions; the result has their product elements (1 for no dimensions).
   * @returns Row-major values.
   * @example
   * ```ts
   * const rng = new NumpyRandom(42);
   * const X = rng.randn(100, 2); // X[0] === 0.4967141530112327, X[1] === -0.13826430117118466
   * ```
   */
  randn(...shape: number[]): Float64Array {
    return this.fillGaussian(shapeSize("NumpyRandom.randn", shape));
  }

  /**
   * `n` standard normals, as `np.random.standard_normal(n)`; the same stream as {@link NumpyRandom.randn}.
   *
   * @example
   * ```ts
   * new NumpyRandom(42).standardNormal(4);
   * ```
   */
  standardNormal(n: number): Float64Array {
    return this.fillGaussian(shapeSize("NumpyRandom.standardNormal", [n]));
  }

  private fillGaussian(size: number): Float64Array {
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = this.nextGaussian();
    return out;
  }

  /**
   * Uniform doubles in `[low, high)`, as `np.random.uniform(low, high, n)`: `low + (high - low) * u`.
   *
   * @param low Lower bound (default 0).
   * @param high Upper bound (default 1).
   * @param n How many values (default 1).
   * @example
   * ```ts
   * new NumpyRandom(42).uniform(-1, 1, 5);
   * ```
   */
  uniform(low = 0, high = 1, n = 1): Float64Array {
    if (!Number.isFinite(low) || !Number.isFinite(high)) {
      throw new ValueError("NumpyRandom.uniform", `low and high must be finite, got ${low} and ${high}`);
    }
    const out = new Float64Array(shapeSize("NumpyRandom.uniform", [n]));
    const range = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + range * this.nextDouble();
    return out;
  }

  /**
   * Integers in `[low, high)`, as `np.random.randint(low, high, n)` with NumPy's default int64 dtype
   * (legacy masked rejection sampling). With `high` omitted the range is `[0, low)`, as NumPy.
   * Values are returned as exact integers in a `Float64Array`.
   *
   * @param low Lowest value (inclusive), or the exclusive upper bound when `high` is omitted.
   * @param high Exclusive upper bound; `high - low` must be between 1 and 2^32.
   * @param n How many values (default 1).
   * @example
   * ```ts
   * new NumpyRandom(42).randint(0, 10, 5); // Float64Array [6, 3, 7, 4, 6], as NumPy
   * ```
   */
  randint(low: number, high?: number, n = 1): Float64Array {
    const op = "NumpyRandom.randint";
    if (high === undefined) {
      high = low;
      low = 0;
    }
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      throw new ValueError(op, `low and high must be safe integers, got ${low} and ${high}`);
    }
    if (high <= low) throw new ValueError(op, `low must be less than high, got low=${low}, high=${high}`);
    const rng = high - low - 1;
    if (rng > 0xffffffff) {
      throw new ValueError(op, `ranges wider than 2**32 are not implemented, got high - low = ${high - low}`);
    }
    const out = new Float64Array(shapeSize(op, [n]));
    if (rng === 0) {
      out.fill(low);
      return out;
    }
    if (rng === 0xffffffff) {
      for (let i = 0; i < out.length; i++) out[i] = low + this.nextUint32();
      return out;
    }
    // Smallest all-ones mask covering rng (NumPy's gen_mask).
    let mask = rng;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (let i = 0; i < out.length; i++) {
      let v: number;
      do {
        v = (this.nextUint32() & mask) >>> 0;
      } while (v > rng);
      out[i] = low + v;
    }
    return out;
  }

  /**
   * A copy of the full generator state, laid out like `np.random.get_state()`.
   *
   * @example
   * ```ts
   * const s = new NumpyRandom(42).getState();
   * s.key[1]; // 3107752595, as np.random.get_state()[1][1]
   * ```
   */
  getState(): NumpyRandomState {
    return { key: this.mt.slice(), pos: this.pos, hasGauss: this.hasGauss, gauss: this.gauss };
  }

  /**
   * Restores a state from {@link NumpyRandom.getState} (or from NumPy's `get_state()` fields).
   *
   * @example
   * ```ts
   * const rng = new NumpyRandom(42);
   * const saved = rng.getState();
   * const a = rng.randn(3);
   * rng.setState(saved);
   * const b = rng.randn(3); // same values as a
   * ```
   */
  setState(state: NumpyRandomState): void {
    const op = "NumpyRandom.setState";
    if (state.key.length !== N) throw new ValueError(op, `key must have ${N} words, got ${state.key.length}`);
    if (!Number.isInteger(state.pos) || state.pos < 0 || state.pos > N) {
      throw new ValueError(op, `pos must be an integer in [0, ${N}], got ${state.pos}`);
    }
    this.mt.set(state.key);
    this.pos = state.pos;
    this.hasGauss = state.hasGauss;
    this.gauss = state.hasGauss ? state.gauss : 0;
  }
}

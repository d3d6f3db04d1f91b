/**
 * fANOVA: the share of the objective's variance each hyperparameter explains on its own, read from a
 * random forest fitted to the trials (Hutter et al. 2014), computed as Optuna's
 * `FanovaImportanceEvaluator` does: numeric params in their own units within their bounds,
 * categorical params one-hot encoded, 64 bootstrapped regression trees grown until pure (every
 * feature tried at every split, thresholds midway between neighbouring values), and per tree the
 * variance of each param's marginal prediction over the search space as a fraction of the tree's.
 *
 * Two things make it fast enough for 10,000 trials: each numeric feature is sorted once per forest
 * and its order kept through the splits (no sort per node), and a param's marginal is read by one
 * sweep over the leaves (a difference array over the tree's thresholds) instead of a walk of the
 * tree per threshold.
 *
 * Everything lives inside `fanovaProgram`, referring to nothing outside it, so that the importance
 * worker can be started from this function's source text with no bundler set-up in host apps.
 */
import type {
  ImportanceInput,
  ImportanceOptions,
  ImportanceResult,
  ImportanceSums,
} from './importance-types.js';

/** The program the importance worker runs. Self-contained: no reference to anything outside its body. */
export function fanovaProgram(): {
  computeImportance(input: ImportanceInput, options?: ImportanceOptions): ImportanceResult;
  combineImportance(parts: readonly ImportanceSums[], ms: number): ImportanceResult;
} {
  /**
   * One-hot columns a categorical param may have: its marginal is read over 2^columns cells.
   * `importanceInput` folds the rarest categories to stay within it (its `MAX_CATEGORIES`).
   */
  const MAX_CATEGORIES = 12;

  /** Repeatable numbers in [0, 1) from a 32-bit seed (mulberry32). */
  function randomFrom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /**
   * The seed of tree `t` of a forest seeded `seed`: each tree draws its own numbers, so a forest
   * grown in parts (in several workers) is the forest grown whole.
   */
  function treeSeed(seed: number, t: number): number {
    return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(t + 1, 0xc2b2ae35)) >>> 0;
  }

  interface NumericFeature {
    param: number;
    values: Float64Array;
    low: number;
    span: number;
    /** Rows by value (then by row), and each row's dense rank in that order. */
    order: Int32Array;
    rank: Int32Array;
  }
  interface CategoricalFeature {
    param: number;
    categories: Int32Array;
    count: number;
  }
  interface Tree {
    size: number;
    /** Per node: the split's feature slot (numeric first, then categorical), -1 at a leaf. */
    slot: Int32Array;
    /** Categorical split: the category sent right (its one-hot column > 0.5). */
    category: Int32Array;
    threshold: Float64Array;
    left: Int32Array;
    right: Int32Array;
    value: Float64Array;
  }

  function numericFeature(param: number, values: Float64Array, low: number, high: number): NumericFeature {
    const n = values.length;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => values[a] - values[b] || a - b);
    const rank = new Int32Array(n);
    for (let i = 1; i < n; i++)
      rank[order[i]] = rank[order[i - 1]] + (values[order[i]] > values[order[i - 1]] ? 1 : 0);
    return { param, values, low, span: high - low, order, rank };
  }

  /**
   * Grows forests on one input: the buffers every tree reuses live here, so growing a tree
   * allocates only its nodes.
   */
  function forestGrower(
    numeric: NumericFeature[],
    categorical: CategoricalFeature[],
    target: Float64Array,
    maxDepth: number,
  ) {
    /** The current tree's random numbers (each tree has its own, see `treeSeed`). */
    let random: () => number = Math.random;
    const n = target.length;
    const slots = numeric.length + categorical.length;
    const weight = new Int32Array(n);
    /** weight × target, per row: the sums the split search adds. */
    const weighted = new Float64Array(n);
    // Bootstrap weights are whole counts, so a side's weight indexes a table of reciprocals: the
    // split search multiplies where it would divide.
    const reciprocal = new Float64Array(n + 1);
    for (let w = 1; w <= n; w++) reciprocal[w] = 1 / w;
    const ids = new Int32Array(n);
    const lists = numeric.map(() => new Int32Array(n));
    const goesLeft = new Uint8Array(n);
    const scratch = new Int32Array(n);
    const slotOrder = new Int32Array(slots);
    // Every categorical param's weight and sum per category, counted in one pass over a node's rows:
    // category c of param g at categoryOffset[g] + c; each row's categories side by side.
    const categoryOffset = new Int32Array(categorical.length + 1);
    categorical.forEach((c, g) => {
      categoryOffset[g + 1] = categoryOffset[g] + c.count;
    });
    const categoryCells = categoryOffset[categorical.length];
    const categoryWeight = new Float64Array(categoryCells);
    const categorySum = new Float64Array(categoryCells);
    const categoryOfRow = new Int32Array(n * categorical.length);
    for (let row = 0; row < n; row++)
      for (let g = 0; g < categorical.length; g++)
        categoryOfRow[row * categorical.length + g] = categoryOffset[g] + categorical[g].categories[row];
    // One tree's nodes, reused by every tree (each is read before the next is grown): a node
    // splits two or more rows, so n rows make at most 2n - 1 nodes.
    const capacity = 2 * n;
    const tree: Tree = {
      size: 1,
      slot: new Int32Array(capacity),
      category: new Int32Array(capacity),
      threshold: new Float64Array(capacity),
      left: new Int32Array(capacity),
      right: new Int32Array(capacity),
      value: new Float64Array(capacity),
    };
    const stack = new Int32Array(4 * (maxDepth + 2) * 2);

    /**
     * Keeps the rows of [start, end) that go left before those that go right, each in its order.
     * Branch-free: which side a row takes is a coin toss to the processor.
     */
    function partition(list: Int32Array, start: number, end: number): number {
      let l = start;
      let r = 0;
      for (let i = start; i < end; i++) {
        const row = list[i];
        const left = goesLeft[row];
        list[l] = row;
        scratch[r] = row;
        l += left;
        r += 1 - left;
      }
      for (let i = 0; i < r; i++) list[l + i] = scratch[i];
      return l;
    }

    /**
     * A bootstrapped tree, grown depth first until its leaves are pure or cannot be split. The
     * tree is the grower's own, overwritten by the next call.
     */
    function grow(treeRandom: () => number): Tree {
      random = treeRandom;
      weight.fill(0);
      for (let i = 0; i < n; i++) weight[Math.floor(random() * n)]++;
      let rows = 0;
      for (let i = 0; i < n; i++) {
        ids[rows] = i;
        rows += -weight[i] >>> 31; // 1 when drawn; branch-free, as drawn or not is a coin toss
        weighted[i] = weight[i] * target[i];
      }
      for (let f = 0; f < numeric.length; f++) {
        const order = numeric[f].order;
        const list = lists[f];
        let k = 0;
        for (let i = 0; i < n; i++) {
          const row = order[i];
          list[k] = row;
          k += -weight[row] >>> 31;
        }
      }
      tree.size = 1;
      tree.slot.fill(-1);
      let top = 0;
      stack[top++] = 0;
      stack[top++] = 0;
      stack[top++] = rows;
      stack[top++] = 0;
      while (top > 0) {
        const depth = stack[--top];
        const end = stack[--top];
        const start = stack[--top];
        const node = stack[--top];
        const mid = splitNode(tree, node, start, end, depth);
        if (mid < 0) continue;
        const left = tree.size++;
        const right = tree.size++;
        tree.left[node] = left;
        tree.right[node] = right;
        stack[top++] = right;
        stack[top++] = mid;
        stack[top++] = end;
        stack[top++] = depth + 1;
        stack[top++] = left;
        stack[top++] = start;
        stack[top++] = mid;
        stack[top++] = depth + 1;
      }
      return tree;
    }

    /** The proxy of the split `bestNumericSplit` last found. */
    let found = 0;

    /**
     * The position after which the best split of a numeric feature beats `best` (its proxy left in
     * `found`), or -1. Candidates lie between neighbours of different value.
     */
    function bestNumericSplit(
      list: Int32Array,
      rank: Int32Array,
      start: number,
      end: number,
      total: number,
      sum: number,
      best: number,
    ): number {
      const w = weight;
      const wy = weighted;
      const inverse = reciprocal;
      let bestAt = -1;
      let leftWeight = 0;
      let leftSum = 0;
      let row = list[start];
      let rowRank = rank[row];
      for (let i = start; i < end - 1; i++) {
        leftWeight = (leftWeight + w[row]) | 0;
        leftSum += wy[row];
        const next = list[i + 1];
        const nextRank = rank[next];
        if (nextRank !== rowRank) {
          const rightSum = sum - leftSum;
          const proxy =
            leftSum * leftSum * inverse[leftWeight] + rightSum * rightSum * inverse[total - leftWeight];
          if (proxy > best) {
            best = proxy;
            bestAt = i;
          }
        }
        row = next;
        rowRank = nextRank;
      }
      found = best;
      return bestAt;
    }

    /**
     * Sets the node's value and finds its best split (the largest sum²/weight over both sides, as
     * scikit-learn's squared-error criterion); partitions its rows and returns where the right
     * side starts, or -1 for a leaf.
     */
    function splitNode(tree: Tree, node: number, start: number, end: number, depth: number): number {
      let total = 0;
      let sum = 0;
      let lowest = Number.POSITIVE_INFINITY;
      let highest = Number.NEGATIVE_INFINITY;
      for (let i = start; i < end; i++) {
        const row = ids[i];
        const y = target[row];
        total += weight[row];
        sum += weight[row] * y;
        if (y < lowest) lowest = y;
        if (y > highest) highest = y;
      }
      tree.value[node] = sum / total;
      if (depth >= maxDepth || end - start < 2 || lowest === highest) return -1;

      // Features in a fresh random order, so that ties go to a random one (as scikit-learn's).
      for (let s = 0; s < slots; s++) slotOrder[s] = s;
      for (let s = slots - 1; s > 0; s--) {
        const j = Math.floor(random() * (s + 1));
        const t = slotOrder[s];
        slotOrder[s] = slotOrder[j];
        slotOrder[j] = t;
      }
      return end - start === 2 ? splitPair(tree, node, start) : splitRows(tree, node, start, end, total, sum);
    }

    /**
     * Two rows of different objective: every feature that tells them apart splits them equally
     * well, so the first such in the random order wins, as in the full search. Half the inner
     * nodes of a grown tree are pairs.
     */
    function splitPair(tree: Tree, node: number, start: number): number {
      const a = ids[start];
      const b = ids[start + 1];
      for (let o = 0; o < slots; o++) {
        const s = slotOrder[o];
        if (s < numeric.length) {
          const values = numeric[s].values;
          if (values[a] === values[b]) continue;
          const [below, above] = values[a] < values[b] ? [values[a], values[b]] : [values[b], values[a]];
          tree.slot[node] = s;
          setThreshold(tree, node, below, above);
          goesLeft[a] = values[a] < values[b] ? 1 : 0;
          goesLeft[b] = 1 - goesLeft[a];
        } else {
          const categories = categorical[s - numeric.length].categories;
          if (categories[a] === categories[b]) continue;
          // The lower category is tried first, and sent right.
          const category = Math.min(categories[a], categories[b]);
          tree.slot[node] = s;
          tree.category[node] = category;
          tree.threshold[node] = 0.5;
          goesLeft[a] = categories[a] === category ? 0 : 1;
          goesLeft[b] = 1 - goesLeft[a];
        }
        partitionAll(start, start + 2, -1);
        return start + 1;
      }
      return -1;
    }

    /** Fills categoryWeight and categorySum for the rows of [start, end). */
    function countCategories(start: number, end: number) {
      const perRow = categorical.length;
      categoryWeight.fill(0);
      categorySum.fill(0);
      for (let i = start; i < end; i++) {
        const row = ids[i];
        const w = weight[row];
        const wy = weighted[row];
        for (let k = row * perRow, last = k + perRow; k < last; k++) {
          categoryWeight[categoryOfRow[k]] += w;
          categorySum[categoryOfRow[k]] += wy;
        }
      }
    }

    /** The split of the rows of a node of three or more: every position of every feature tried. */
    function splitRows(
      tree: Tree,
      node: number,
      start: number,
      end: number,
      total: number,
      sum: number,
    ): number {
      if (categoryCells) countCategories(start, end);
      let best = Number.NEGATIVE_INFINITY;
      let bestSlot = -1;
      let bestAt = 0;
      for (let o = 0; o < slots; o++) {
        const s = slotOrder[o];
        if (s < numeric.length) {
          const at = bestNumericSplit(lists[s], numeric[s].rank, start, end, total, sum, best);
          if (at >= 0) {
            best = found;
            bestSlot = s;
            bestAt = at;
          }
        } else {
          const g = s - numeric.length;
          const offset = categoryOffset[g];
          for (let c = 0; c < categorical[g].count; c++) {
            const w = categoryWeight[offset + c];
            if (w === 0 || w === total) continue;
            const inside = categorySum[offset + c];
            const rest = sum - inside;
            const proxy = (rest * rest) / (total - w) + (inside * inside) / w;
            if (proxy > best) {
              best = proxy;
              bestSlot = s;
              bestAt = c;
            }
          }
        }
      }
      if (bestSlot < 0) return -1;

      tree.slot[node] = bestSlot;
      if (bestSlot < numeric.length) {
        const list = lists[bestSlot];
        const values = numeric[bestSlot].values;
        for (let i = start; i < end; i++) goesLeft[list[i]] = i <= bestAt ? 1 : 0;
        setThreshold(tree, node, values[list[bestAt]], values[list[bestAt + 1]]);
      } else {
        const categories = categorical[bestSlot - numeric.length].categories;
        for (let i = start; i < end; i++) goesLeft[ids[i]] = categories[ids[i]] === bestAt ? 0 : 1;
        tree.category[node] = bestAt;
        tree.threshold[node] = 0.5;
      }
      return partitionAll(start, end, bestSlot < numeric.length ? bestSlot : -1);
    }

    /** Midway between two neighbouring values, as scikit-learn (the lower one if rounding reaches the upper). */
    function setThreshold(tree: Tree, node: number, below: number, above: number) {
      const midway = below / 2 + above / 2;
      tree.threshold[node] = midway < above ? midway : below;
    }

    /** Partitions the node's rows and every feature's order by `goesLeft`; `sorted` is already split. */
    function partitionAll(start: number, end: number, sorted: number): number {
      const mid = partition(ids, start, end);
      for (let f = 0; f < lists.length; f++) if (f !== sorted) partition(lists[f], start, end);
      return mid;
    }

    return { grow };
  }

  /**
   * The tree's variance over the search space, and each param's marginal variance: per numeric
   * param over the intervals between the tree's thresholds on it, per categorical param over the
   * cells of its split one-hot columns (every 0/1 combination, as Optuna's product of midpoints).
   */
  function treeVariances(tree: Tree, numeric: NumericFeature[], categorical: CategoricalFeature[]) {
    const nn = numeric.length;
    // Each numeric feature's interval edges: its low bound, its sorted distinct thresholds, its high bound.
    const cuts = new Int32Array(nn);
    for (let node = 0; node < tree.size; node++)
      if (tree.slot[node] >= 0 && tree.slot[node] < nn) cuts[tree.slot[node]]++;
    const edges = numeric.map((feature, f) => {
      const e = new Float64Array(cuts[f] + 2);
      e[0] = feature.low;
      e[e.length - 1] = feature.low + feature.span;
      return e;
    });
    cuts.fill(0);
    for (let node = 0; node < tree.size; node++) {
      const f = tree.slot[node];
      if (f >= 0 && f < nn) edges[f][1 + cuts[f]++] = tree.threshold[node];
    }
    for (let f = 0; f < nn; f++) {
      // Sort the thresholds and drop repeats (a tree may cut at one value on several branches).
      const inner = edges[f].subarray(1, edges[f].length - 1).sort();
      let distinct = 0;
      for (let i = 0; i < inner.length; i++)
        if (i === 0 || inner[i] !== inner[i - 1]) inner[distinct++] = inner[i];
      edges[f][distinct + 1] = edges[f][edges[f].length - 1];
      edges[f] = edges[f].subarray(0, distinct + 2);
    }
    const edgeOfNode = new Int32Array(tree.size);
    for (let node = 0; node < tree.size; node++) {
      const f = tree.slot[node];
      if (f >= 0 && f < nn) edgeOfNode[node] = binarySearch(edges[f], tree.threshold[node]);
    }
    // Each categorical feature's split categories, numbered as bits.
    const bitOf = categorical.map((c) => new Int32Array(c.count).fill(-1));
    const bits = new Int32Array(categorical.length);
    for (let node = 0; node < tree.size; node++) {
      const s = tree.slot[node] - nn;
      if (s < 0) continue;
      const c = tree.category[node];
      if (bitOf[s][c] < 0) bitOf[s][c] = bits[s]++;
    }

    const diff = edges.map((e) => new Float64Array(e.length));
    // Per categorical feature: leaf mass by (fixed-one column + 1) × 2^bits + fixed-zero columns.
    const cells = categorical.map((_, s) => new Float64Array((bits[s] + 1) << bits[s]));
    const lo = new Int32Array(nn);
    const hi = new Int32Array(nn);
    for (let f = 0; f < nn; f++) hi[f] = edges[f].length - 1;
    const zeros = new Int32Array(categorical.length);
    const one = new Int32Array(categorical.length).fill(-1);
    const width = new Float64Array(nn);
    // The leaves' volume-weighted mean and variance, kept as they come (West's update: stable
    // where the objective is large and varies little).
    let massSum = 0;
    let mean = 0;
    let spread = 0;

    /** Adds a leaf's share of the search space, value × volume, to every marginal it reaches. */
    function addLeaf(value: number) {
      let volume = 1;
      for (let f = 0; f < nn; f++) {
        width[f] = (edges[f][hi[f]] - edges[f][lo[f]]) / numeric[f].span;
        volume *= width[f];
      }
      for (let s = 0; s < categorical.length; s++)
        volume *= 0.5 ** (popcount(zeros[s]) + (one[s] >= 0 ? 1 : 0));
      if (volume <= 0) return;
      massSum += volume;
      const delta = value - mean;
      mean += (volume / massSum) * delta;
      spread += volume * delta * (value - mean);
      for (let f = 0; f < nn; f++) {
        const share = (value * volume) / width[f];
        diff[f][lo[f]] += share;
        diff[f][hi[f]] -= share;
      }
      for (let s = 0; s < categorical.length; s++) {
        const fixed = popcount(zeros[s]) + (one[s] >= 0 ? 1 : 0);
        cells[s][((one[s] + 1) << bits[s]) + zeros[s]] += value * volume * 2 ** fixed;
      }
    }

    function visit(node: number) {
      const slot = tree.slot[node];
      if (slot < 0) return addLeaf(tree.value[node]);
      if (slot < nn) {
        const edge = edgeOfNode[node];
        const oldHi = hi[slot];
        hi[slot] = edge;
        visit(tree.left[node]);
        hi[slot] = oldHi;
        const oldLo = lo[slot];
        lo[slot] = edge;
        visit(tree.right[node]);
        lo[slot] = oldLo;
        return;
      }
      const s = slot - nn;
      const bit = bitOf[s][tree.category[node]];
      zeros[s] |= 1 << bit;
      visit(tree.left[node]);
      zeros[s] &= ~(1 << bit);
      const oldOne = one[s];
      one[s] = bit;
      visit(tree.right[node]);
      one[s] = oldOne;
    }
    visit(0);

    const variance = spread / massSum;

    const numericVariance = diff.map((d, f) => {
      const e = edges[f];
      const marginal = new Float64Array(e.length - 1);
      let running = 0;
      for (let j = 0; j < marginal.length; j++) marginal[j] = running += d[j];
      return weightedVariance(marginal, (j) => (e[j + 1] - e[j]) / numeric[f].span);
    });
    const categoricalVariance = cells.map((mass, s) => categoricalMarginalVariance(mass, bits[s]));
    return { variance, numericVariance, categoricalVariance };
  }

  /**
   * The variance over the 2^bits cells of a categorical param's split columns. A leaf reaches the
   * cells whose fixed-zero columns are 0 and fixed-one column (if any) is 1: summing each group's
   * mass over subsets (a zeta transform) reads every cell in O(bits² · 2^bits).
   */
  function categoricalMarginalVariance(mass: Float64Array, bits: number): number {
    if (bits === 0) return 0;
    const size = 1 << bits;
    for (let g = 0; g <= bits; g++) {
      const group = mass.subarray(g * size, (g + 1) * size);
      for (let b = 0; b < bits; b++)
        for (let set = 0; set < size; set++) if (set & (1 << b)) group[set] += group[set ^ (1 << b)];
    }
    const marginal = new Float64Array(size);
    for (let cell = 0; cell < size; cell++) {
      const free = ~cell & (size - 1);
      let value = mass[free];
      for (let b = 0; b < bits; b++) if (cell & (1 << b)) value += mass[(b + 1) * size + free];
      marginal[cell] = value;
    }
    return weightedVariance(marginal, () => 1 / size);
  }

  /** Variance of `values` under weights that sum to 1. */
  function weightedVariance(values: Float64Array, weightAt: (i: number) => number): number {
    let mean = 0;
    for (let i = 0; i < values.length; i++) mean += weightAt(i) * values[i];
    let variance = 0;
    for (let i = 0; i < values.length; i++) variance += weightAt(i) * (values[i] - mean) ** 2;
    return variance;
  }

  function binarySearch(sorted: Float64Array, value: number): number {
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function popcount(x: number): number {
    let count = 0;
    for (let v = x; v; v &= v - 1) count++;
    return count;
  }

  /**
   * Fits the forest's trees [from, to) and sums each param's per-tree fractions. Throws a
   * RangeError on input outside the contract of `ImportanceInput` (`importanceInput` never gives such).
   */
  function growPart(
    input: ImportanceInput,
    options: ImportanceOptions,
    from: number,
    to: number,
  ): ImportanceSums {
    const maxDepth = options.maxDepth ?? 64;
    const target = input.target;
    const n = target.length;
    for (const y of target)
      if (!Number.isFinite(y)) throw new RangeError(`objective ${y} is not a finite number`);
    // Params with a single value explain nothing and are not fitted (as Optuna).
    const numeric: NumericFeature[] = [];
    const categorical: CategoricalFeature[] = [];
    input.params.forEach((param, p) => {
      if (param.values.length !== n)
        throw new RangeError(`${param.name}: ${param.values.length} values for ${n} rows`);
      if (param.kind === 'categorical') {
        if (param.categories < 2) return;
        if (param.categories > MAX_CATEGORIES)
          throw new RangeError(`${param.name}: ${param.categories} categories, more than ${MAX_CATEGORIES}`);
        for (const v of param.values)
          if (!(Number.isInteger(v) && v >= 0 && v < param.categories))
            throw new RangeError(`${param.name}: category index ${v} outside 0..${param.categories - 1}`);
        categorical.push({ param: p, categories: Int32Array.from(param.values), count: param.categories });
      } else if (param.high > param.low) {
        for (const v of param.values)
          if (!(v >= param.low && v <= param.high))
            throw new RangeError(`${param.name}: value ${v} outside [${param.low}, ${param.high}]`);
        numeric.push(numericFeature(p, param.values, param.low, param.high));
      }
    });
    const sums: ImportanceSums = {
      names: input.params.map((p) => p.name),
      fractions: input.params.map(() => 0),
      squares: input.params.map(() => 0),
      counted: 0,
      trees: to - from,
      rows: n,
    };
    if (n < 2 || numeric.length + categorical.length === 0) return sums;
    const grower = forestGrower(numeric, categorical, target, maxDepth);
    const seed = options.seed ?? 0;
    for (let t = from; t < to; t++) {
      const tree = grower.grow(randomFrom(treeSeed(seed, t)));
      const { variance, numericVariance, categoricalVariance } = treeVariances(tree, numeric, categorical);
      if (!(variance > 0)) continue;
      sums.counted++;
      const add = (param: number, marginal: number) => {
        // Clipped at 0 (as Optuna): rounding can leave a marginal a hair below.
        const fraction = Math.max(0, marginal) / variance;
        sums.fractions[param] += fraction;
        sums.squares[param] += fraction * fraction;
      };
      numeric.forEach((f, i) => {
        add(f.param, numericVariance[i]);
      });
      categorical.forEach((c, i) => {
        add(c.param, categoricalVariance[i]);
      });
    }
    return sums;
  }

  /**
   * The importances of a forest grown in parts: the mean of each param's per-tree fractions over
   * the trees whose variance is not 0, normalised to sum 1 (as Optuna's `normalize=True`), with the
   * standard deviation over those trees, normalised alike.
   */
  function combineImportance(parts: readonly ImportanceSums[], ms: number): ImportanceResult {
    const names = parts[0]?.names ?? [];
    const counted = parts.reduce((a, p) => a + p.counted, 0);
    const means = names.map((_, k) =>
      counted ? parts.reduce((a, p) => a + p.fractions[k], 0) / counted : 0,
    );
    const spreads = names.map((_, k) => {
      if (!counted) return 0;
      const squares = parts.reduce((a, p) => a + p.squares[k], 0) / counted;
      return Math.sqrt(Math.max(0, squares - means[k] * means[k]));
    });
    const total = means.reduce((a, b) => a + b, 0);
    const importances = names
      .map((name, k) => ({
        name,
        importance: total > 0 ? means[k] / total : 0,
        spread: total > 0 ? spreads[k] / total : 0,
      }))
      .sort((a, b) => b.importance - a.importance);
    const trees = parts.reduce((a, p) => a + p.trees, 0);
    return { method: 'fanova', importances, trials: parts[0]?.rows ?? 0, trees, ms };
  }

  /**
   * Fits the forest (or, with `options.part`, only its trees [from, to), whose `sums` a
   * `combineImportance` of all parts turns into the forest's result) and reads each param's
   * importance. Throws a RangeError on input outside the contract of `ImportanceInput`.
   */
  function computeImportance(input: ImportanceInput, options: ImportanceOptions = {}): ImportanceResult {
    const started = performance.now();
    const trees = options.trees ?? 64;
    const from = options.part?.from ?? 0;
    const to = options.part?.to ?? trees;
    const sums = growPart(input, options, from, to);
    return { ...combineImportance([sums], performance.now() - started), sums };
  }

  return { computeImportance, combineImportance };
}

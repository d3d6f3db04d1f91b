/** Deterministic training-like curves for the chart benchmark and screenshots. */

/** mulberry32: a small seeded generator, so every run draws the same data. */
export function random(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A loss curve: exponential decay to a floor that depends on the trial, with noise. `from` lets
 * live feeds continue a curve point by point.
 */
export function lossCurve(trial: number, from: number, count: number, total: number): Float64Array {
  const rand = random(trial * 1_000_003 + from);
  const floor = 0.15 + 0.05 * (trial % 7);
  const rate = 3 + (trial % 5);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t = (from + i) / total;
    out[i] = floor + 2.2 * Math.exp(-rate * t) + (rand() - 0.5) * 0.04 * (1 + Math.exp(-rate * t));
  }
  return out;
}

/** Steps `from..from+count-1`. */
export function steps(from: number, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = from + i;
  return out;
}

/**
 * The best-so-far curve of one objective and the Pareto front of two: what the history view
 * highlights.
 */

type Direction = 'minimize' | 'maximize';

/** Per index, the best value up to it (NaN before the first finite value). */
export function bestSoFar(values: Float64Array, direction: Direction): Float64Array {
  const out = new Float64Array(values.length);
  let best = Number.NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v) && (Number.isNaN(best) || (direction === 'minimize' ? v < best : v > best)))
      best = v;
    out[i] = best;
  }
  return out;
}

/**
 * The indices of the points no other point beats on both objectives, ordered along the first.
 * Points with a NaN on either are left out.
 */
export function paretoFront(
  a: Float64Array,
  b: Float64Array,
  directions: readonly [Direction, Direction],
): number[] {
  const sa = directions[0] === 'minimize' ? 1 : -1;
  const sb = directions[1] === 'minimize' ? 1 : -1;
  const order: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]) && !Number.isNaN(b[i])) order.push(i);
  // Best first on a (ties: best on b first), then keep each point that improves on b.
  order.sort((i, j) => sa * (a[i] - a[j]) || sb * (b[i] - b[j]));
  const front: number[] = [];
  let bestB = Number.POSITIVE_INFINITY;
  for (const i of order) {
    if (sb * b[i] < bestB) {
      front.push(i);
      bestB = sb * b[i];
    }
  }
  return front;
}

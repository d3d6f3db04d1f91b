/**
 * What the pointer is over: for each curve, the point nearest the pointer's x, and of those the one
 * nearest the pointer itself (the trial to highlight). Uses binary search on sorted x columns, so
 * hovering costs O(curves x log points) however long the series are.
 */
import type { SeriesView } from './series-view.js';

export interface HitPoint {
  readonly view: SeriesView;
  /** Index of the point in the series. */
  readonly index: number;
  /** The point in axis units and its drawn (possibly smoothed) value. */
  readonly x: number;
  readonly value: number;
  /** The raw logged value (differs from `value` when smoothing). */
  readonly raw: number;
  /** Where it is drawn, in CSS pixels from the plot's top-left corner (NaN for a gap). */
  readonly left: number;
  readonly top: number;
}

export interface Hit {
  /** One point per curve that has points, nearest to the pointer's x. */
  readonly points: HitPoint[];
  /** The point nearest to the pointer within `radius`, if any. */
  readonly nearest?: HitPoint;
}

/**
 * Finds the points under the pointer at (`left`, `top`) CSS pixels in the plot. `toLeft`/`toTop`
 * map axis x and values to CSS pixels; `invertX` maps the pointer back to axis units.
 */
export function hitTest(
  views: readonly SeriesView[],
  left: number,
  top: number,
  invertX: (left: number) => number,
  toLeft: (x: number) => number,
  toTop: (value: number) => number,
  radius = 24,
): Hit {
  const x = invertX(left);
  const points: HitPoint[] = [];
  let nearest: HitPoint | undefined;
  let best = radius * radius;
  for (const view of views) {
    let index = view.nearest(x);
    if (index < 0) continue;
    // A step logged more than once (several writers): of its points, the one nearest the pointer.
    const at = view.axisX(index);
    const off = (i: number) => Math.abs(toTop(view.ys[i]) - top);
    for (let i = index; i > 0 && view.axisX(i - 1) === at; ) if (off(--i) < off(index)) index = i;
    for (let i = index; i + 1 < view.length && view.axisX(i + 1) === at; )
      if (off(++i) < off(index)) index = i;
    const value = view.ys[index];
    const px = toLeft(view.axisX(index));
    const py = Number.isFinite(value) ? toTop(value) : Number.NaN;
    const point = {
      view,
      index,
      x: view.axisX(index),
      value,
      raw: view.series.values[index],
      left: px,
      top: py,
    };
    points.push(point);
    const d = (px - left) ** 2 + (py - top) ** 2;
    if (d <= best) {
      best = d;
      nearest = point;
    }
  }
  return { points, nearest };
}

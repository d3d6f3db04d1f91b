/**
 * The chart's zoom from the keyboard, for those who cannot drag a box: + and − halve and double
 * the x window about its middle, the arrow keys pan it by a quarter, Home and End go to either
 * end, 0 or Escape show everything. The y range follows the data, as after a box zoom of x only.
 */
import type { Domain } from '../internal/scale.js';

/** Where each key puts the window's start, as a share of its width, and its new width, as a factor. */
const MOVES: Record<string, [number, number]> = {
  '+': [0.25, 0.5],
  '=': [0.25, 0.5],
  '-': [-0.5, 2],
  ArrowLeft: [-0.25, 1],
  ArrowRight: [0.25, 1],
  Home: [-Infinity, 1],
  End: [Infinity, 1],
};

/**
 * The x window a key press asks for, from the window `shown` within the whole `full`: a domain,
 * `null` for the whole (no zoom), or undefined when the key does nothing here (the page keeps it;
 * a key it takes is not the page's too).
 */
export function keyboardZoom(
  event: KeyboardEvent,
  shown: Domain,
  full: Domain,
  zoomed: boolean,
): Domain | null | undefined {
  const x = zoomTo(event.key, shown, full, zoomed);
  if (x === undefined || event.altKey || event.ctrlKey || event.metaKey) return undefined;
  event.preventDefault();
  return x;
}

/** The x window `key` asks for (see {@link keyboardZoom}). */
function zoomTo(key: string, shown: Domain, full: Domain, zoomed: boolean): Domain | null | undefined {
  if (key === '0' || key === 'Escape') return zoomed ? null : undefined;
  const move = MOVES[key];
  // Unzoomed, only zooming in changes anything; past a millionth of the whole, not even that.
  if (!move || (!zoomed && move[1] >= 1)) return undefined;
  const [lo, hi] = full;
  const width = (shown[1] - shown[0]) * move[1];
  if (width >= hi - lo) return null;
  if (width < (hi - lo) * 1e-6) return undefined;
  const from = Math.min(Math.max(shown[0] + (shown[1] - shown[0]) * move[0], lo), hi - width);
  return [from, from + width];
}

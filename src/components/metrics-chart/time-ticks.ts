/**
 * Wall-clock ticks without d3-time: round intervals (seconds to years) aligned in local time and
 * labelled with `Intl.DateTimeFormat`. d3's time scale would pull d3-time and d3-time-format into
 * every page that registers the components (≈ 4.5 KB gzip) for an axis most charts never show.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Tick intervals in ms; months and years step by the calendar. */
const FIXED = [
  SECOND,
  5 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];
const MONTHS = [1, 3, 6, 12, 24, 60, 120];

/** A tick interval: a fixed span in ms, or a number of calendar months. */
type Interval = { ms: number } | { months: number };

/** The smallest round interval that gives at most `count` ticks over `[t0, t1]`. */
function intervalFor(t0: number, t1: number, count: number): Interval {
  const target = Math.abs(t1 - t0) / Math.max(1, count);
  const ms = FIXED.find((span) => span >= target);
  if (ms !== undefined) return { ms };
  return { months: MONTHS.find((m) => m * 30 * DAY >= target) ?? Math.ceil(target / (365 * DAY)) * 12 };
}

/** The local time-zone offset at `t`, in ms to add to UTC. */
const zoneOffset = (t: number) => -new Date(t).getTimezoneOffset() * MINUTE;

/** The first tick at or after `t` (`ceil`) or at or before it (`floor`). */
function align(t: number, interval: Interval, round: typeof Math.ceil): number {
  if ('ms' in interval) {
    const offset = zoneOffset(t);
    return round((t + offset) / interval.ms) * interval.ms - offset;
  }
  const date = new Date(t);
  const months = date.getFullYear() * 12 + date.getMonth();
  const start = new Date(0);
  const aligned = Math.floor(months / interval.months) * interval.months;
  start.setFullYear(Math.floor(aligned / 12), aligned % 12, 1);
  start.setHours(0, 0, 0, 0);
  if (+start === t || round === Math.floor) return +start;
  start.setMonth(start.getMonth() + interval.months);
  return +start;
}

function next(t: number, interval: Interval): number {
  if ('ms' in interval) return t + interval.ms;
  const date = new Date(t);
  date.setMonth(date.getMonth() + interval.months);
  return +date;
}

/** Tick times over `[t0, t1]` (epoch ms), at most about `count` of them. */
export function timeTicks(t0: number, t1: number, count: number): number[] {
  const [lo, hi] = t0 <= t1 ? [t0, t1] : [t1, t0];
  const interval = intervalFor(lo, hi, count);
  const ticks: number[] = [];
  for (let t = align(lo, interval, Math.ceil); t <= hi && ticks.length < 1000; t = next(t, interval))
    ticks.push(t);
  return ticks;
}

/** `[t0, t1]` widened to whole tick intervals, as d3's `nice` does. */
export function niceTimeDomain(t0: number, t1: number, count: number): [number, number] {
  const interval = intervalFor(t0, t1, count);
  return [align(t0, interval, Math.floor), align(t1, interval, Math.ceil)];
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, options);
    formats.set(key, f);
  }
  return f;
}

/** A label for each tick, as precise as the ticks' spacing needs. */
export function timeTickLabels(ticks: readonly number[]): string[] {
  const spacing = ticks.length > 1 ? ticks[1] - ticks[0] : DAY;
  const options: Intl.DateTimeFormatOptions =
    spacing < MINUTE
      ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
      : spacing < DAY
        ? { hour: '2-digit', minute: '2-digit' }
        : spacing < 28 * DAY
          ? { month: 'short', day: 'numeric' }
          : { month: 'short', year: 'numeric' };
  const f = format(options);
  return ticks.map((t) => f.format(t));
}

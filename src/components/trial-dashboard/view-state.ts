/**
 * The dashboard's view as a small, versioned, readable query string, so a view can be linked,
 * reloaded and stepped through with back and forward. `fromQuery` accepts any string: parts it
 * does not understand (a typo, a future version's key, a malformed number) are dropped, never thrown.
 */
import { TrialStatus } from '../../protocol/status.js';
import { GROUP_BANDS, GROUP_STATS, type GroupBand, type GroupStat } from '../metrics-chart/group-options.js';
import type { XAxis, YScale } from '../metrics-chart/scales.js';
import { SMOOTHING_KINDS, type SmoothingKind } from '../metrics-chart/smoothing-kinds.js';
import type { MetricRange, ParamFilter, TrialFilters } from '../trial-table/filter.js';
import type { SortSpec } from '../trial-table/sort.js';

/** The version `toQuery` writes; a link without `v` is read as this version (hand-written links). */
export const VIEW_STATE_VERSION = 1;

/** What a link restores: everything the user chose, nothing derived from the data. */
export interface ViewState {
  /** The study id (or, from a hand-written link, a study name the dashboard resolves). */
  readonly study?: string;
  /** Selected trial ids. */
  readonly selected: readonly string[];
  /** Whether the selected trials are compared side by side. */
  readonly compare: boolean;
  /** Metric keys charted; undefined means the dashboard's default choice. */
  readonly metrics?: readonly string[];
  readonly xAxis: XAxis;
  /** Another metric as the charts' x (overrides `xAxis`). */
  readonly xMetric?: string;
  readonly yScale: YScale;
  /** Curve smoothing, 0 (none) to just below 1. */
  readonly smoothing: number;
  /** How curves are smoothed: `ema`, `running` or `gaussian`. */
  readonly smoothingKind: SmoothingKind;
  /** The x window shown by every chart, in axis units; undefined means the whole range. */
  readonly zoom?: readonly [number, number];
  /** The param (or tag) the charts group trials by; undefined draws every trial. */
  readonly groupBy?: string;
  /** A group's line (`mean` or `median`) and band (`minmax`, `std` or `none`). */
  readonly groupStat: GroupStat;
  readonly groupBand: GroupBand;
  /** The trial table's sort. */
  readonly sort: readonly SortSpec[];
  /** The trial table's filters. */
  readonly filters: TrialFilters;
}

/** The view of a dashboard nobody has touched. */
export const DEFAULT_VIEW: ViewState = {
  selected: [],
  compare: false,
  xAxis: 'step',
  yScale: 'linear',
  smoothing: 0,
  smoothingKind: 'ema',
  groupStat: 'mean',
  groupBand: 'minmax',
  sort: [],
  filters: {},
};

/** Every key `toQuery` may write; other keys of a page's query belong to the page. */
export const VIEW_KEYS: ReadonlySet<string> = new Set(
  'v study sel cmp m x xm y s sk zoom g gs gb sort status flags star tags q mr pv pr'.split(' '),
);

const X_AXES: readonly XAxis[] = ['step', 'wall', 'relative'];
const Y_SCALES: readonly YScale[] = ['linear', 'log'];
const STATUSES: readonly TrialStatus[] = Object.values(TrialStatus);

/**
 * The state as a query string without `?`, defaults left out, in a fixed key order:
 * `v=1&study=s1&sel=t4,t9&cmp=1&m=val_loss,accuracy&x=wall&y=log&s=0.6&sk=gaussian&zoom=3000-4000&sort=-metric:val_loss&…`.
 * List items are percent-encoded one by one, so commas separate them and `:` and `/` stay readable.
 */
export function toQuery(state: ViewState): string {
  const parts: [string, string][] = [['v', String(VIEW_STATE_VERSION)]];
  const put = (key: string, value: string | undefined) => {
    if (value) parts.push([key, value]);
  };
  put('study', state.study && readable(state.study));
  put('sel', list(state.selected));
  put('cmp', state.compare ? '1' : undefined);
  if (state.metrics) parts.push(['m', list(state.metrics)]);
  put('x', state.xAxis === 'step' ? undefined : state.xAxis);
  put('xm', state.xMetric && readable(state.xMetric));
  put('y', state.yScale === 'linear' ? undefined : state.yScale);
  put('s', state.smoothing ? String(state.smoothing) : undefined);
  put('sk', state.smoothingKind === 'ema' ? undefined : state.smoothingKind);
  put('zoom', state.zoom && `${state.zoom[0]}-${state.zoom[1]}`);
  put('g', state.groupBy && readable(state.groupBy));
  put('gs', state.groupStat === 'mean' ? undefined : state.groupStat);
  put('gb', state.groupBand === 'minmax' ? undefined : state.groupBand);
  put('sort', list(state.sort.map((s) => (s.direction === 'desc' ? `-${s.column}` : s.column))));
  const { filters } = state;
  put('status', list(filters.status ?? []));
  put('flags', list(filters.flags ?? []));
  put('star', filters.starred ? '1' : undefined);
  put('tags', list(filters.tags ?? []));
  put('q', filters.text?.trim() && readable(filters.text));
  put('mr', (filters.metrics ?? []).map((r) => `${strict(r.key)}:${range(r)}`).join(','));
  const params = filters.params ?? [];
  put(
    'pv',
    params
      .filter((p) => p.values?.length)
      .map((p) => `${strict(p.name)}:${p.values!.map((v) => strict(String(v))).join('|')}`)
      .join(','),
  );
  put(
    'pr',
    params
      .filter((p) => p.min !== undefined || p.max !== undefined)
      .map((p) => `${strict(p.name)}:${range(p)}`)
      .join(','),
  );
  return parts.map(([key, value]) => `${key}=${value}`).join('&');
}

/**
 * A state from a query string (with or without `?`). Never throws: unknown keys, another version's
 * link and malformed values give the defaults for the parts concerned.
 */
export function fromQuery(query: string): ViewState {
  const raw = new Map<string, string>();
  for (const pair of query.replace(/^\?/, '').split('&')) {
    const at = pair.indexOf('=');
    if (at > 0) raw.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const version = raw.get('v');
  if (version !== undefined && version !== String(VIEW_STATE_VERSION)) return DEFAULT_VIEW;
  const items = (key: string) => splitItems(raw.get(key));
  const one = (key: string) => items(key)[0];
  const sort = items('sort').map(
    (item): SortSpec =>
      item.startsWith('-')
        ? { column: item.slice(1), direction: 'desc' }
        : { column: item, direction: 'asc' },
  );
  return {
    study: decode(raw.get('study') ?? '') || undefined,
    selected: unique(items('sel')),
    compare: raw.get('cmp') === '1',
    metrics: raw.has('m') ? unique(items('m')) : undefined,
    xAxis: oneOf(X_AXES, one('x')) ?? DEFAULT_VIEW.xAxis,
    xMetric: decode(raw.get('xm') ?? '').trim() || undefined,
    yScale: oneOf(Y_SCALES, one('y')) ?? DEFAULT_VIEW.yScale,
    smoothing: smoothingOf(one('s')),
    smoothingKind: oneOf(SMOOTHING_KINDS, one('sk')) ?? DEFAULT_VIEW.smoothingKind,
    zoom: zoomOf(raw.get('zoom')),
    groupBy: decode(raw.get('g') ?? '').trim() || undefined,
    groupStat: oneOf(GROUP_STATS, one('gs')) ?? DEFAULT_VIEW.groupStat,
    groupBand: oneOf(GROUP_BANDS, one('gb')) ?? DEFAULT_VIEW.groupBand,
    sort: sort.filter((s) => s.column),
    filters: filtersOf(raw, items),
  };
}

function filtersOf(raw: Map<string, string>, items: (key: string) => string[]): TrialFilters {
  const status = unique(items('status')).flatMap((s) => oneOf(STATUSES, s) ?? []);
  const flags = unique(items('flags'));
  const tags = unique(items('tags'));
  const text = decode(raw.get('q') ?? '').trim();
  const metrics = pairs(raw.get('mr')).flatMap(([key, spec]): MetricRange[] => {
    const r = rangeOf(spec);
    return r ? [{ key, ...r }] : [];
  });
  const params = new Map<string, ParamFilter>();
  for (const [name, spec] of pairs(raw.get('pv'))) {
    const values = spec.split('|').map(decode).filter(Boolean);
    if (values.length) params.set(name, { ...params.get(name), name, values });
  }
  for (const [name, spec] of pairs(raw.get('pr'))) {
    const r = rangeOf(spec);
    if (r) params.set(name, { ...params.get(name), name, ...r });
  }
  const filters: {
    -readonly [K in keyof TrialFilters]: TrialFilters[K];
  } = {};
  if (status.length) filters.status = status;
  if (flags.length) filters.flags = flags;
  if (raw.get('star') === '1') filters.starred = true;
  if (tags.length) filters.tags = tags;
  if (text) filters.text = text;
  if (metrics.length) filters.metrics = metrics;
  if (params.size) filters.params = [...params.values()];
  return filters;
}

/** Percent-encoding that keeps `:` `/` `@` readable: safe in a query value, common in ids and keys. */
function readable(value: string): string {
  return encodeURIComponent(value).replace(/%(3A|2F|40)/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** Percent-encoding of a part that `:` or `|` separate. */
const strict = (value: string) => encodeURIComponent(value);

const list = (values: readonly string[]) => values.map(readable).join(',');

/** `min..max`, either side empty when open (encoded: `1e+21` has a `+`). */
const range = (r: { min?: number; max?: number }) => strict(`${r.min ?? ''}..${r.max ?? ''}`);

/** Decoded text, or '' when malformed; `+` is a space, as in form-encoded links. */
function decode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return '';
  }
}

function splitItems(value: string | undefined): string[] {
  return value ? value.split(',').map(decode).filter(Boolean) : [];
}

/** `name:spec` items, name decoded, spec left for the caller to split. */
function pairs(value: string | undefined): [string, string][] {
  return (value?.split(',') ?? []).flatMap((item): [string, string][] => {
    const at = item.indexOf(':');
    const name = at > 0 ? decode(item.slice(0, at)) : '';
    return name ? [[name, item.slice(at + 1)]] : [];
  });
}

const unique = (values: string[]) => [...new Set(values)];

function oneOf<T extends string>(allowed: readonly T[], value: string | undefined): T | undefined {
  return allowed.find((a) => a === value);
}

/** A finite number from text, or undefined (empty text is not zero). */
function numberOf(text: string): number | undefined {
  if (!text.trim()) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function smoothingOf(text: string | undefined): number {
  const n = numberOf(text ?? '');
  return n !== undefined && n > 0 && n < 1 ? n : 0;
}

/** `3000-4000`: the first split at a `-` (not a sign or an exponent's) giving two numbers, low < high. */
function zoomOf(text: string | undefined): [number, number] | undefined {
  if (!text) return undefined;
  for (let at = text.indexOf('-', 1); at > 0; at = text.indexOf('-', at + 1)) {
    const lo = numberOf(text.slice(0, at));
    const hi = numberOf(text.slice(at + 1));
    // A window as wide as a float can hold is not one: its width overflows every scale.
    if (lo !== undefined && hi !== undefined)
      return lo < hi && Number.isFinite(hi - lo) ? [lo, hi] : undefined;
  }
  return undefined;
}

/** `min..max` with at least one side; undefined when malformed or min > max. */
function rangeOf(spec: string): { min?: number; max?: number } | undefined {
  const sides = decode(spec).split('..');
  if (sides.length !== 2) return undefined;
  const [min, max] = sides.map(numberOf);
  const bad = sides.some((side, i) => side.trim() !== '' && (i === 0 ? min : max) === undefined);
  if (bad || (min === undefined && max === undefined)) return undefined;
  if (min !== undefined && max !== undefined && min > max) return undefined;
  return { ...(min !== undefined && { min }), ...(max !== undefined && { max }) };
}

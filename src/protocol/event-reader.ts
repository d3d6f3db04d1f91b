/**
 * Reads one event exactly as `trialEventSchema` (events.ts) does — the same checks, defaults,
 * transforms, unknown keys dropped, and for the first problem the same message and path — without
 * zod. Every dashboard reads its events through this: zod was most of the code a live connection
 * loads (12 KB gzip) and several times slower on a flood of `metrics.append`. The schema stays the
 * protocol's statement (types, JSON Schema); `event-reader.test.ts` proves the two equal on
 * generated events, valid and broken.
 */
import {
  COMMENT_LIMITS,
  MAX_LISTED_VIEWERS,
  MAX_TRIAL_NUMBER,
  SUPPORTED_PROTOCOL_VERSIONS,
  TAG_LIMITS,
} from './limits.js';
import { StudyStatus, SyncState, TrialStatus } from './status.js';

type Key = string | number;
type Read = (input: unknown) => unknown;
type Fields = Record<string, unknown>;

/** The first problem found, with the path to it (built as the reads unwind). */
export class EventIssue {
  readonly path: Key[] = [];
  constructor(readonly message: string) {}
}

// Messages are zod's English ones, so errors read the same whichever does the reading.
function typeName(input: unknown): string {
  if (typeof input === 'number')
    return Number.isNaN(input) ? 'NaN' : String(Number.isFinite(input) ? 'number' : input);
  if (typeof input !== 'object') return typeof input;
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  const proto = Object.getPrototypeOf(input);
  return proto !== Object.prototype && 'constructor' in input && input.constructor
    ? (input.constructor as { name: string }).name
    : 'object';
}
const wrongType = (expected: string, input: unknown) =>
  new EventIssue(`Invalid input: expected ${expected}, received ${typeName(input)}`);
const tooSmall = (what: string, min: number, unit = '') =>
  new EventIssue(`Too small: expected ${what} ${unit ? `to have >=${min} ${unit}` : `to be >=${min}`}`);
const tooBig = (what: string, max: number, unit = '') =>
  new EventIssue(`Too big: expected ${what} ${unit ? `to have <=${max} ${unit}` : `to be <=${max}`}`);

/** Runs `read` on a field or item, naming it in the path of any problem. */
function at(key: Key, read: Read, input: unknown): unknown {
  try {
    return read(input);
  } catch (err) {
    if (err instanceof EventIssue) err.path.unshift(key);
    throw err;
  }
}

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
/** zod's test for a record: an object literal (or one without a prototype), not a class instance. */
function isPlainObject(v: unknown): v is Fields {
  if (!isObject(v)) return false;
  const ctor = v.constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const proto: unknown = ctor.prototype;
  return isObject(proto) && Object.hasOwn(proto, 'isPrototypeOf');
}

function string(min = 0, max = Number.POSITIVE_INFINITY, trim = false): Read {
  return (input) => {
    if (typeof input !== 'string') throw wrongType('string', input);
    const s = trim ? input.trim() : input;
    if (s.length < min) throw tooSmall('string', min, 'characters');
    if (s.length > max) throw tooBig('string', max, 'characters');
    return s;
  };
}
function matching(pattern: RegExp, message: string): Read {
  return (input) => {
    if (typeof input !== 'string') throw wrongType('string', input);
    if (!pattern.test(input)) throw new EventIssue(message);
    return input;
  };
}
const finite = (input: unknown): input is number => typeof input === 'number' && Number.isFinite(input);
function number(min = Number.NEGATIVE_INFINITY): Read {
  return (input) => {
    if (!finite(input)) throw wrongType('number', input);
    if (input < min) throw tooSmall('number', min);
    return input;
  };
}
function integerIssue(input: unknown, min: number, max: number): EventIssue | undefined {
  if (!finite(input)) return wrongType('number', input);
  if (!Number.isInteger(input)) return wrongType('int', input);
  if (input > Number.MAX_SAFE_INTEGER) return tooBig('int', Number.MAX_SAFE_INTEGER);
  if (input < Number.MIN_SAFE_INTEGER) return tooSmall('int', Number.MIN_SAFE_INTEGER);
  if (input < min) return tooSmall('number', min);
  if (input > max) return tooBig('number', max);
  return undefined;
}
function int(min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY): Read {
  return (input) => {
    const issue = integerIssue(input, min, max);
    if (issue) throw issue;
    return input;
  };
}
const boolean: Read = (input) => {
  if (typeof input !== 'boolean') throw wrongType('boolean', input);
  return input;
};
function literal(value: string): Read {
  return (input) => {
    if (input !== value) throw new EventIssue(`Invalid input: expected ${JSON.stringify(value)}`);
    return input;
  };
}
function oneOf(values: readonly string[]): Read {
  const allowed = new Set<unknown>(values);
  const message = `Invalid option: expected one of ${values.map((v) => JSON.stringify(v)).join('|')}`;
  return (input) => {
    if (!allowed.has(input)) throw new EventIssue(message);
    return input;
  };
}
const optional =
  (read: Read): Read =>
  (input) =>
    input === undefined ? undefined : read(input);
const nullable =
  (read: Read): Read =>
  (input) =>
    input === null ? null : read(input);
/** A fresh default each time, as zod's `_default` gives. */
const orElse =
  (read: Read, fallback: () => unknown): Read =>
  (input) =>
    input === undefined ? fallback() : read(input);

function array(item: Read, min = 0, max = Number.POSITIVE_INFINITY): Read {
  return (input) => {
    if (!Array.isArray(input)) throw wrongType('array', input);
    const out = new Array(input.length);
    let i = 0;
    try {
      for (; i < input.length; i++) out[i] = item(input[i]);
    } catch (err) {
      if (err instanceof EventIssue) err.path.unshift(i);
      throw err;
    }
    if (out.length < min) throw tooSmall('array', min, 'items');
    if (out.length > max) throw tooBig('array', max, 'items');
    return out;
  };
}
/** Integers, checked in one loop: a batch's steps (the hot path). */
const ints: Read = (input) => {
  if (!Array.isArray(input)) throw wrongType('array', input);
  for (let i = 0; i < input.length; i++) {
    const step = input[i];
    if (typeof step === 'number' && Number.isSafeInteger(step)) continue;
    const issue = integerIssue(step, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY) as EventIssue;
    issue.path.unshift(i);
    throw issue;
  }
  return input.slice();
};
function record(value: Read, check?: (out: Fields) => void): Read {
  return (input) => {
    if (!isPlainObject(input)) throw wrongType('record', input);
    const out: Fields = {};
    for (const key of Object.keys(input)) {
      // Written through the `__proto__` setter it would replace the result's prototype.
      if (key !== '__proto__') out[key] = at(key, value, input[key]);
    }
    check?.(out);
    return out;
  };
}
/** An object of `shape`'s fields, in its order; other fields are dropped. */
function object(shape: Record<string, Read>, check?: (out: Fields) => void): Read {
  const keys = Object.keys(shape);
  return (input) => {
    if (!isObject(input)) throw wrongType('object', input);
    const out: Fields = {};
    for (const key of keys) {
      const value = at(key, shape[key] as Read, input[key]);
      if (value !== undefined || key in input) out[key] = value;
    }
    check?.(out);
    return out;
  };
}
/** A problem `check` finds in a field once its object reads: named at that field. */
function issueAt(key: Key, message: string): EventIssue {
  const issue = new EventIssue(message);
  issue.path.push(key);
  return issue;
}

/** A metric value: a number, NaN, or MLflow's strings for the non-finite ones (made numbers). */
const METRIC_VALUE_MESSAGE = 'expected a number, or "NaN", "Infinity" or "-Infinity"';
/** The value as a number, or undefined when it is none of those. */
function metricNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) || Number.isNaN(value) ? value : undefined;
  return value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? Number(value) : undefined;
}
const metricValue: Read = (input) => {
  const value = metricNumber(input);
  if (value === undefined) throw new EventIssue(METRIC_VALUE_MESSAGE);
  return value;
};
/** A batch's values, checked in one loop (the hot path). */
const metricValues: Read = (input) => {
  if (!Array.isArray(input)) throw wrongType('array', input);
  const out = new Array<number>(input.length);
  for (let i = 0; i < input.length; i++) {
    const value = metricNumber(input[i]);
    if (value === undefined) throw issueAt(i, METRIC_VALUE_MESSAGE);
    out[i] = value;
  }
  return out;
};
const paramValue: Read = (input) => {
  if (typeof input === 'string' || typeof input === 'boolean' || finite(input)) return input;
  throw new EventIssue('Invalid input');
};

const epochMs = number(0);
const id = string(1, 512);
const metricKey = string(1, 250);
const strings = record(string());
const mlflowLink = object({ experimentId: string(1), runId: optional(string(1)) });

const commentId = matching(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1 to 64 letters, digits, _ or -');
const commentAuthor = string(1, COMMENT_LIMITS.author, true);
const comment = object({
  id: commentId,
  author: commentAuthor,
  text: string(1, COMMENT_LIMITS.text, true),
  createdAt: epochMs,
  editedAt: optional(epochMs),
  step: optional(int()),
  key: optional(string(1, 250)),
});

const study = object({
  id,
  name: string(0, 1000),
  status: oneOf(Object.values(StudyStatus)),
  searchSpace: optional(string(0, 10_000)),
  maxParams: optional(int(0)),
  targetTrials: optional(int(0)),
  objective: optional(object({ metric: string(1), direction: oneOf(['minimize', 'maximize']) })),
  createdAt: epochMs,
  endedAt: optional(epochMs),
  tags: orElse(strings, () => ({})),
  mlflow: optional(mlflowLink),
});

const trial = object({
  id,
  studyId: id,
  number: int(0, MAX_TRIAL_NUMBER),
  name: optional(string(0, 1000)),
  status: oneOf(Object.values(TrialStatus)),
  params: orElse(record(paramValue), () => ({})),
  tags: orElse(strings, () => ({})),
  flags: orElse(array(string(1)), () => []),
  startedAt: optional(epochMs),
  endedAt: optional(epochMs),
  notes: optional(string(0, 100_000)),
  starred: optional(boolean),
  comments: optional(array(comment, 0, COMMENT_LIMITS.perTrial)),
  mlflow: optional(mlflowLink),
  models: optional(
    array(
      object({
        name: string(1, 1000),
        version: string(1, 100),
        aliases: orElse(array(string(1, 1000)), () => []),
      }),
      0,
      1000,
    ),
  ),
});

const metricBatch = object(
  {
    trialId: id,
    key: metricKey,
    steps: ints,
    values: metricValues,
    timestamps: array(epochMs),
  },
  (b) => {
    const { steps, values, timestamps } = b as { steps: unknown[]; values: unknown[]; timestamps: unknown[] };
    if (steps.length !== values.length || values.length !== timestamps.length)
      throw issueAt('values', 'steps, values and timestamps must have the same length');
  },
);

const seriesPoint = object({ step: number(), value: metricValue, timestamp: number() });
const seriesSummary = object({
  trialId: id,
  key: metricKey,
  count: int(0),
  first: seriesPoint,
  last: seriesPoint,
  min: nullable(seriesPoint),
  max: nullable(seriesPoint),
});

const teamTags = record(nullable(string(0, TAG_LIMITS.value)), (tags) => {
  for (const key of Object.keys(tags)) {
    if (key.length === 0 || key.length > TAG_LIMITS.key)
      throw issueAt(key, `tag keys have 1 to ${TAG_LIMITS.key} characters (this one ${key.length})`);
    if (key.startsWith('trialkit.') || key.startsWith('mlflow.'))
      throw issueAt(key, 'tag keys starting with trialkit. or mlflow. are reserved');
  }
});

const viewer = object({
  id: matching(/^[A-Za-z0-9_-]{8,64}$/, 'expected 8 to 64 of A-Z a-z 0-9 _ -'),
  name: string(1, 64, true),
  color: matching(/^#[0-9a-fA-F]{6}$/, 'expected a colour as #rrggbb'),
});
const studyPresence = object({
  studyId: id,
  viewers: array(viewer, 0, MAX_LISTED_VIEWERS),
  anonymous: int(0),
  more: orElse(int(0), () => 0),
});

const SUPPORTED = new Set<unknown>(SUPPORTED_PROTOCOL_VERSIONS);
/** An event of `type`: the envelope's fields, then its own. */
function event(type: string, fields: Record<string, Read>): Read {
  return object({
    v: (input) => {
      if (!SUPPORTED.has(input)) throw new EventIssue('Invalid input');
      return input;
    },
    seq: int(0),
    type: literal(type),
    ...fields,
  });
}
const syncState = oneOf(Object.values(SyncState));
const events: Record<string, Read> = {
  snapshot: event('snapshot', {
    studies: array(study),
    trials: array(trial),
    metrics: orElse(array(metricBatch), () => []),
    summaries: optional(array(seriesSummary)),
    sync: orElse(array(object({ trialId: id, state: syncState, error: optional(string()) })), () => []),
  }),
  'study.upsert': event('study.upsert', { study }),
  'study.remove': event('study.remove', { studyId: id }),
  'trial.upsert': event('trial.upsert', { trial }),
  'trial.remove': event('trial.remove', { trialId: id }),
  'metrics.append': event('metrics.append', { batches: array(metricBatch, 1) }),
  'metrics.summary': event('metrics.summary', { summaries: array(seriesSummary, 1) }),
  'sync.state': event('sync.state', {
    trialId: id,
    state: syncState,
    error: optional(string()),
    mlflow: optional(mlflowLink),
  }),
  'trial.patch': event('trial.patch', {
    trialId: id,
    starred: optional(boolean),
    tags: optional(teamTags),
    notes: optional(nullable(string(0, 100_000))),
  }),
  'comment.upsert': event('comment.upsert', { trialId: id, comment }),
  'comment.remove': event('comment.remove', { trialId: id, commentId, author: commentAuthor }),
  error: event('error', {
    code: oneOf(['malformed_event', 'unsupported_version', 'source_error', 'disconnected']),
    message: string(),
    path: optional(string()),
  }),
  presence: event('presence', { studies: array(studyPresence, 0, 100_000) }),
};
const TYPES = Object.keys(events);
const UNKNOWN_TYPE = `Invalid discriminator value. Expected ${TYPES.map((t) => `'${t}'`).join(' | ')}`;

/** The event `input` reads as, or the first problem with it (thrown as an {@link EventIssue}). */
export function readEvent(input: unknown): unknown {
  if (!isObject(input)) throw wrongType('object', input);
  const read =
    typeof input.type === 'string' && Object.hasOwn(events, input.type) ? events[input.type] : undefined;
  if (!read) throw issueAt('type', UNKNOWN_TYPE);
  return read(input);
}

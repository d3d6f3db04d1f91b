/**
 * Checks caller input before anything is stored, and says what is wrong with a
 * {@link ValidationError}. Metric points are checked with a plain loop: a million-point append
 * must not build a million zod issues objects.
 */
import * as zc from 'zod/v4/core';
import { validateKey } from '../mlflow/index.js';
import { ValidationError } from './errors.js';
import {
  type ColumnarPoints,
  metricKeySchema,
  type Study,
  type StudyInput,
  studySchema,
  type Trial,
  type TrialInput,
  trialSchema,
} from './model.js';

// Core's parse: the protocol's schemas are zod/mini, this module's own are classic zod.
function parse<S extends zc.$ZodType>(schema: S, input: unknown, what: string): zc.output<S> {
  const result = zc.safeParse(schema, input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.join('.') || undefined;
  throw new ValidationError(`invalid ${what}${path ? ` at ${path}` : ''}: ${issue?.message}`, path);
}

/** A NUL, or half of a surrogate pair: text PostgreSQL cannot store (and MLflow would not show). */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Refuses, naming where, a string anywhere in `value` (keys included) that the store cannot hold. */
function checkStorableText(value: unknown, what: string, path: string[] = []): void {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) {
      const at = path.join('.');
      throw new ValidationError(
        `invalid ${what}${at ? ` at ${at}` : ''}: text holds a NUL character or half of a surrogate pair`,
        at || undefined,
      );
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      checkStorableText(key, what, path);
      checkStorableText(item, what, [...path, key]);
    }
  }
}

export function parseStudy(input: StudyInput): Study {
  const study = parse(studySchema, input, 'study');
  checkStorableText(study, 'study');
  return study;
}

/** A trial checked against the model, MLflow's key rules and its study's `maxParams`. */
export function parseTrial(input: TrialInput, study?: Study): Trial {
  const trial = parse(trialSchema, input, 'trial');
  checkStorableText(trial, 'trial');
  for (const [kind, record] of [
    ['param', trial.params],
    ['tag', trial.tags],
  ] as const) {
    for (const key of Object.keys(record)) {
      try {
        validateKey(key, kind);
      } catch (err) {
        throw new ValidationError(
          `invalid trial at ${kind}s.${key}: ${(err as Error).message}`,
          `${kind}s.${key}`,
        );
      }
    }
  }
  const count = Object.keys(trial.params).length;
  if (study?.maxParams !== undefined && count > study.maxParams) {
    throw new ValidationError(
      `invalid trial at params: ${count} params, study ${study.id} allows ${study.maxParams}`,
      'params',
    );
  }
  return trial;
}

export function parseMetricKey(key: string): string {
  return parse(metricKeySchema, key, 'metric key');
}

/** A point as callers pass it; non-finite values may also come as MLflow's strings. */
export interface MetricPointInput {
  step: number;
  value: number | 'NaN' | 'Infinity' | '-Infinity';
  timestamp: number;
}

/** Checks points and packs them into columns. */
export function toColumns(points: readonly MetricPointInput[]): ColumnarPoints {
  if (!Array.isArray(points)) throw new ValidationError('points must be an array', 'points');
  const n = points.length;
  const out: ColumnarPoints = {
    steps: new Float64Array(n),
    values: new Float64Array(n),
    timestamps: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const p = points[i];
    const bad = (field: string, why: string) =>
      new ValidationError(`invalid metric point at points.${i}.${field}: ${why}`, `points.${i}.${field}`);
    if (typeof p !== 'object' || p === null)
      throw new ValidationError(`invalid metric point at points.${i}: expected an object`, `points.${i}`);
    if (!Number.isSafeInteger(p.step)) throw bad('step', 'expected a safe integer');
    const value =
      typeof p.value === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(p.value)
        ? Number(p.value)
        : p.value;
    if (typeof value !== 'number')
      throw bad('value', 'expected a number, or "NaN", "Infinity" or "-Infinity"');
    if (!Number.isSafeInteger(p.timestamp) || p.timestamp < 0)
      throw bad('timestamp', 'expected milliseconds since the epoch');
    out.steps[i] = p.step;
    out.values[i] = value;
    out.timestamps[i] = p.timestamp;
  }
  return out;
}

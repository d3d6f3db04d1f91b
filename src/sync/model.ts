/**
 * The trial model. `Study` and `Trial` are the protocol's shapes (one definition, in
 * `src/protocol`); this module adds what only the sync engine needs: metric points, columnar
 * series, and the bookkeeping of what MLflow has acknowledged.
 */
import * as z from 'zod';
// MLflow's key characters, one definition with the MLflow client's checks.
import { KEY_CHARS } from '../mlflow/validation.js';
import {
  type MetricBatch,
  type MlflowLink,
  mlflowLinkSchema,
  type Study,
  type StudyInput,
  type SyncState,
  studySchema,
  type Trial,
  type TrialInput,
  trialSchema,
} from '../protocol/events.js';

export type { MetricBatch, MlflowLink, Study, StudyInput, SyncState, Trial, TrialInput };
export { mlflowLinkSchema, studySchema, trialSchema };

/** One metric observation of a trial, as a training loop reports it (MLflow's is `MetricPoint`). */
export const trialMetricPointSchema = z.object({
  step: z.number().int(),
  value: z.number(),
  timestamp: z.number().finite().nonnegative(),
});
export type TrialMetricPoint = z.infer<typeof trialMetricPointSchema>;

/** MLflow's metric key rules (also enforced by the MLflow client), checked before anything is stored. */
export const metricKeySchema = z
  .string()
  .min(1)
  .max(250)
  .regex(KEY_CHARS, 'only letters, digits, _ - . / space and : are allowed')
  .refine((k) => !k.includes('..') && !k.startsWith('/'), 'must not contain ".." or start with "/"');

/** A series held columnar: `steps[i]`, `values[i]`, `timestamps[i]` are one point. */
export interface ColumnarPoints {
  steps: Float64Array;
  values: Float64Array;
  timestamps: Float64Array;
}

/** A trial's series: how many points the store holds and how many MLflow has acknowledged. */
export const seriesInfoSchema = z.object({
  key: z.string(),
  points: z.number().int().nonnegative(),
  acked: z.number().int().nonnegative(),
});
export type SeriesInfo = z.infer<typeof seriesInfoSchema>;

/**
 * What MLflow last acknowledged for a trial's run, so a push sends only what changed and a pull
 * can tell a change made in MLflow from one made here.
 */
export const remoteStateSchema = z.object({
  params: z.record(z.string(), z.string()).default({}),
  tags: z.record(z.string(), z.string()).default({}),
  status: z.string().optional(),
  endTime: z.number().optional(),
});
export type RemoteState = z.infer<typeof remoteStateSchema>;

/** The sync state of one trial, as the store keeps it (the client's store has `TrialSyncStatus`). */
export interface TrialSyncRecord {
  trialId: string;
  state: SyncState;
  error?: string;
}

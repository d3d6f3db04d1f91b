/**
 * trialkit's event protocol: the seam between any producer (the sync engine, a Python trainer,
 * another service) and any dashboard. Events are plain JSON, versioned by `v`, ordered by a
 * per-source `seq`. Non-finite metric values travel as the strings "NaN", "Infinity" and
 * "-Infinity" (as in MLflow's REST API) because JSON has no literal for them.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { COMMENT_LIMITS, MAX_TRIAL_NUMBER, PROTOCOL_VERSION, TAG_LIMITS } from './limits.js';
import { presenceFields } from './presence.js';
import { StudyStatus, SyncState, TrialStatus } from './status.js';

export { StudyStatus, SyncState, TrialStatus } from './status.js';

// zod/mini, not classic zod: the same checks at a tenth of the bytes in a browser bundle. Mini
// ships no messages of its own; English ones keep errors readable (classic zod sets the same).
z.config(en());

export {
  COMMENT_LIMITS,
  MAX_TRIAL_NUMBER,
  PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  TAG_LIMITS,
} from './limits.js';

/** Milliseconds since the Unix epoch. */
const epochMs = z.number().check(z.nonnegative());
const id = z.string().check(z.minLength(1), z.maxLength(512));

export const trialStatusSchema = z.enum(Object.values(TrialStatus) as [TrialStatus, ...TrialStatus[]]);
export const studyStatusSchema = z.enum(Object.values(StudyStatus) as [StudyStatus, ...StudyStatus[]]);
export const syncStateSchema = z.enum(Object.values(SyncState) as [SyncState, ...SyncState[]]);

/** A link to an MLflow run (or, without `runId`, to an experiment). */
export const mlflowLinkSchema = z.object({
  experimentId: z.string().check(z.minLength(1)),
  runId: z.optional(z.string().check(z.minLength(1))),
});
export type MlflowLink = z.infer<typeof mlflowLinkSchema>;

/** A version of a model in MLflow's registry, registered from a trial's run. */
export const registeredModelVersionSchema = z.object({
  /** The registered model's name. */
  name: z.string().check(z.minLength(1), z.maxLength(1000)),
  /** The version, as MLflow writes it (a string on the wire). */
  version: z.string().check(z.minLength(1), z.maxLength(100)),
  /** The aliases pointing at this version, e.g. `champion`. */
  aliases: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(1000))), []),
});
export type RegisteredModelVersion = z.infer<typeof registeredModelVersionSchema>;

/** Tags a team sets (a string) or removes (`null`): keys within MLflow's length, and not trialkit's or MLflow's own. */
const teamTagsSchema = z
  .record(z.string(), z.nullable(z.string().check(z.maxLength(TAG_LIMITS.value))))
  .check(
    z.superRefine((tags, ctx) => {
      for (const key of Object.keys(tags)) {
        const why =
          key.length === 0 || key.length > TAG_LIMITS.key
            ? `tag keys have 1 to ${TAG_LIMITS.key} characters (this one ${key.length})`
            : key.startsWith('trialkit.') || key.startsWith('mlflow.')
              ? 'tag keys starting with trialkit. or mlflow. are reserved'
              : undefined;
        if (why) ctx.addIssue({ code: 'custom', message: why, path: [key], input: tags });
      }
    }),
  );

/**
 * A comment on a trial, or with `step` an annotation of the trial's curves at that step. Its id is
 * chosen by the writer (a UUID, say) and names the run tag it is mirrored to.
 */
export const commentSchema = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1 to 64 letters, digits, _ or -')),
  /** Who wrote it: a display name, not an identity (anyone may claim any name). */
  author: z.string().check(z.trim(), z.minLength(1), z.maxLength(COMMENT_LIMITS.author)),
  text: z.string().check(z.trim(), z.minLength(1), z.maxLength(COMMENT_LIMITS.text)),
  createdAt: epochMs,
  /** When the text was last changed. */
  editedAt: z.optional(epochMs),
  /** An annotation: the step it marks, drawn on every chart of the trial. */
  step: z.optional(z.int()),
  /** The metric the annotation was made on, if any. */
  key: z.optional(z.string().check(z.minLength(1), z.maxLength(250))),
});
export type Comment = z.infer<typeof commentSchema>;

export const paramValueSchema = z.union([z.string(), z.number(), z.boolean()]);
export type ParamValue = z.infer<typeof paramValueSchema>;

/** One hyperparameter search. */
export const studySchema = z.object({
  id,
  name: z.string().check(z.maxLength(1000)),
  status: studyStatusSchema,
  /** A human label for the search space, e.g. "lr: log[1e-5, 1e-1] x depth: 2..12". */
  searchSpace: z.optional(z.string().check(z.maxLength(10_000))),
  /** The largest number of hyperparameters a trial may carry. */
  maxParams: z.optional(z.int().check(z.nonnegative())),
  /** How many trials the search intends to run. */
  targetTrials: z.optional(z.int().check(z.nonnegative())),
  /** The metric that ranks trials, and which way is better. */
  objective: z.optional(
    z.object({ metric: z.string().check(z.minLength(1)), direction: z.enum(['minimize', 'maximize']) }),
  ),
  createdAt: epochMs,
  endedAt: z.optional(epochMs),
  tags: z._default(z.record(z.string(), z.string()), {}),
  mlflow: z.optional(mlflowLinkSchema),
});
export type Study = z.infer<typeof studySchema>;
export type StudyInput = z.input<typeof studySchema>;

/** One training run within a study. Metric series travel separately, in `metrics.append`. */
export const trialSchema = z.object({
  id,
  studyId: id,
  /** The trial's number in its study; at most 2^31 - 1, as stores keep it in a 32-bit integer column. */
  number: z.int().check(z.nonnegative(), z.lte(MAX_TRIAL_NUMBER)),
  /** What people call the trial (an MLflow run name, say); its label wherever it is shown. */
  name: z.optional(z.string().check(z.maxLength(1000))),
  status: trialStatusSchema,
  params: z._default(z.record(z.string(), paramValueSchema), {}),
  tags: z._default(z.record(z.string(), z.string()), {}),
  /** Boolean markers such as `spectral_norm`, shown as chips and used to highlight curves. */
  flags: z._default(z.array(z.string().check(z.minLength(1))), []),
  startedAt: z.optional(epochMs),
  endedAt: z.optional(epochMs),
  notes: z.optional(z.string().check(z.maxLength(100_000))),
  /** v3: marked as worth a closer look. Mirrored to the run as the tag `trialkit.starred`. */
  starred: z.optional(z.boolean()),
  /** v3: the team's comments and step annotations, oldest first. */
  comments: z.optional(z.array(commentSchema).check(z.maxLength(COMMENT_LIMITS.perTrial))),
  mlflow: z.optional(mlflowLinkSchema),
  /**
   * The registry's model versions made from the trial's run, by name then version. Optional and
   * new in v2's lifetime: a producer that does not know the registry leaves it out.
   */
  models: z.optional(z.array(registeredModelVersionSchema).check(z.maxLength(1000))),
});
export type Trial = z.infer<typeof trialSchema>;
export type TrialInput = z.input<typeof trialSchema>;

/** A metric value: a number, or one of MLflow's strings for the non-finite ones. */
export const metricValueSchema = z.pipe(
  z.union([z.number(), z.nan(), z.literal('NaN'), z.literal('Infinity'), z.literal('-Infinity')], {
    error: 'expected a number, or "NaN", "Infinity" or "-Infinity"',
  }),
  z.transform((v): number => (typeof v === 'number' ? v : Number(v))),
);

/** Points of one metric of one trial, columnar: `steps[i]`, `values[i]`, `timestamps[i]` are one point. */
export const metricBatchSchema = z
  .object({
    trialId: id,
    key: z.string().check(z.minLength(1), z.maxLength(250)),
    steps: z.array(z.int()),
    values: z.array(metricValueSchema),
    timestamps: z.array(epochMs),
  })
  .check(
    z.refine((b) => b.steps.length === b.values.length && b.values.length === b.timestamps.length, {
      message: 'steps, values and timestamps must have the same length',
      path: ['values'],
    }),
  );
export type MetricBatch = z.infer<typeof metricBatchSchema>;

/** One metric point. */
export const seriesPointSchema = z.object({
  step: z.number(),
  value: metricValueSchema,
  timestamp: z.number(),
});
export type SeriesPoint = z.output<typeof seriesPointSchema>;

/**
 * What a table or a new tab needs of a series instead of its points. `first`/`last` are by step
 * (ties: append order); `min`/`max` by value over the finite values (NaN and ±Infinity aside: a
 * divergence is not a best), null when no value is finite.
 */
export const seriesSummarySchema = z.object({
  trialId: id,
  key: z.string().check(z.minLength(1), z.maxLength(250)),
  count: z.int().check(z.nonnegative()),
  first: seriesPointSchema,
  last: seriesPointSchema,
  min: z.nullable(seriesPointSchema),
  max: z.nullable(seriesPointSchema),
});
export type SeriesSummary = z.output<typeof seriesSummarySchema>;

const envelope = {
  v: z.union([z.literal(1), z.literal(2), z.literal(PROTOCOL_VERSION)]),
  seq: z.int().check(z.nonnegative()),
};

export const snapshotEventSchema = z.object({
  ...envelope,
  type: z.literal('snapshot'),
  studies: z.array(studySchema),
  trials: z.array(trialSchema),
  /** Raw points (v1, and v2 snapshots asked for with points). */
  metrics: z._default(z.array(metricBatchSchema), []),
  /** v2 snapshots without points: per series, its summary instead. */
  summaries: z.optional(z.array(seriesSummarySchema)),
  sync: z._default(
    z.array(z.object({ trialId: id, state: syncStateSchema, error: z.optional(z.string()) })),
    [],
  ),
});
export const studyUpsertEventSchema = z.object({
  ...envelope,
  type: z.literal('study.upsert'),
  study: studySchema,
});
export const studyRemoveEventSchema = z.object({ ...envelope, type: z.literal('study.remove'), studyId: id });
export const trialUpsertEventSchema = z.object({
  ...envelope,
  type: z.literal('trial.upsert'),
  trial: trialSchema,
});
export const trialRemoveEventSchema = z.object({ ...envelope, type: z.literal('trial.remove'), trialId: id });
export const metricsAppendEventSchema = z.object({
  ...envelope,
  type: z.literal('metrics.append'),
  batches: z.array(metricBatchSchema).check(z.minLength(1)),
});
/**
 * v2: the summary of points just appended, per series (`count` = points in this batch, first/last/
 * min/max of the batch), sent instead of `metrics.append` to readers that did not ask for that
 * key's raw points. Readers merge: count adds up, `last` is the later by step (ties: this one),
 * min/max combine, `first` is the earlier by step (ties: the one held, so in-order appends keep it).
 */
export const metricsSummaryEventSchema = z.object({
  ...envelope,
  type: z.literal('metrics.summary'),
  summaries: z.array(seriesSummarySchema).check(z.minLength(1)),
});
export const syncStateEventSchema = z.object({
  ...envelope,
  type: z.literal('sync.state'),
  trialId: id,
  state: syncStateSchema,
  /** The last error, for `retrying` and `dead`. */
  error: z.optional(z.string()),
  mlflow: z.optional(mlflowLinkSchema),
});
/**
 * v3: a team's change to a trial: star it or not; set tags (a string) or remove them (`null`);
 * set its notes (`null` clears them). Fields left out are left alone, so two people's changes to
 * one trial do not undo each other.
 */
export const trialPatchEventSchema = z.object({
  ...envelope,
  type: z.literal('trial.patch'),
  trialId: id,
  starred: z.optional(z.boolean()),
  tags: z.optional(teamTagsSchema),
  notes: z.optional(z.nullable(z.string().check(z.maxLength(100_000)))),
});
/** v3: adds a comment, or edits one (same id, same author). */
export const commentUpsertEventSchema = z.object({
  ...envelope,
  type: z.literal('comment.upsert'),
  trialId: id,
  comment: commentSchema,
});
/** v3: deletes a comment; `author` must be the comment's. */
export const commentRemoveEventSchema = z.object({
  ...envelope,
  type: z.literal('comment.remove'),
  trialId: id,
  commentId: commentSchema.shape.id,
  author: commentSchema.shape.author,
});
/** A producer or a source reports a problem: a malformed event, a lost connection. */
export const errorEventSchema = z.object({
  ...envelope,
  type: z.literal('error'),
  code: z.enum(['malformed_event', 'unsupported_version', 'source_error', 'disconnected']),
  message: z.string(),
  /** Where in the offending event the problem was, e.g. `batches.0.values.3`. */
  path: z.optional(z.string()),
});
/** v3: who looks at which study now (see `presence.ts`); replaces the previous `presence`. */
export const presenceEventSchema = z.object({ ...envelope, ...presenceFields });

export const trialEventSchema = z.discriminatedUnion('type', [
  snapshotEventSchema,
  studyUpsertEventSchema,
  studyRemoveEventSchema,
  trialUpsertEventSchema,
  trialRemoveEventSchema,
  metricsAppendEventSchema,
  metricsSummaryEventSchema,
  syncStateEventSchema,
  trialPatchEventSchema,
  commentUpsertEventSchema,
  commentRemoveEventSchema,
  errorEventSchema,
  presenceEventSchema,
]);

/** Any event of the protocol, as held in memory (non-finite values as numbers). */
export type TrialEvent = z.infer<typeof trialEventSchema>;
/** Any event as it may arrive on the wire (non-finite values may be strings). */
export type TrialEventInput = z.input<typeof trialEventSchema>;
export type TrialEventType = TrialEvent['type'];
export type EventOf<T extends TrialEventType> = Extract<TrialEvent, { type: T }>;
export type SnapshotEvent = EventOf<'snapshot'>;
export type MetricsAppendEvent = EventOf<'metrics.append'>;
export type MetricsSummaryEvent = EventOf<'metrics.summary'>;
export type SyncStateEvent = EventOf<'sync.state'>;
export type ErrorEvent = EventOf<'error'>;
export type PresenceEvent = EventOf<'presence'>;
export type TrialPatchEvent = EventOf<'trial.patch'>;
export type CommentUpsertEvent = EventOf<'comment.upsert'>;
export type CommentRemoveEvent = EventOf<'comment.remove'>;
/** The events a team writes to a trial (a dashboard tab, or a producer). */
export type TeamEvent = TrialPatchEvent | CommentUpsertEvent | CommentRemoveEvent;

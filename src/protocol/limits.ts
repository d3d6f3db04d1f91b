/**
 * The protocol's version and size limits as plain constants, apart from its zod schemas, so code
 * that only reads events (a dashboard) does not load zod to know them.
 */

/**
 * The protocol version this module writes. v2 adds `metrics.summary` and the snapshot's
 * `summaries`; v3 adds `presence`, a trial's star and comments and the `trial.patch`, `comment.upsert`
 * and `comment.remove` events. Every older event is still a valid newer one, so older producers keep working.
 */
export const PROTOCOL_VERSION = 3;

/** The protocol versions this module reads. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1, 2, PROTOCOL_VERSION];

/** The largest trial number: SQL stores keep numbers in 32-bit integer columns. */
export const MAX_TRIAL_NUMBER = 2_147_483_647;

/**
 * MLflow's limits on a run tag (mlflow/utils/validation.py: `MAX_ENTITY_KEY_LENGTH`,
 * `MAX_TAG_VAL_LENGTH`), which bound what a team writes since it is mirrored to the run as tags.
 */
export const TAG_LIMITS = { key: 250, value: 8000 } as const;
/** Limits of a comment: its text and author fit, as JSON, in one MLflow tag value. */
export const COMMENT_LIMITS = { text: 5000, author: 100, perTrial: 500 } as const;

/** The most named viewers a study's presence lists; the rest are counted in `more`. */
export const MAX_LISTED_VIEWERS = 100;

/**
 * What `POST /events` does on a server that reads MLflow (`trialkit serve`): a team's edits go
 * straight onto the runs, as the tags the sync engine would write, and the poller reads them back
 * into every open tab. Records (studies, trials, points) are refused: MLflow is where they come from.
 */
import {
  LENGTH_LIMITS,
  type MlflowClient,
  MlflowInvalidRequestError,
  MlflowNotFoundError,
} from '../mlflow/index.js';
import {
  applyTeamEdit,
  isTeamEvent,
  NOTE_TAG,
  TeamEditError,
  type TeamEvent,
  type Trial,
  teamTagsOf,
  trialFieldsOf,
} from '../protocol/index.js';
import { IngestInputError, type PostedEvent } from './ingest-handler.js';

/**
 * An `ingest` for `startDashboardServer` that writes a team's edits (`trial.patch`,
 * `comment.upsert`, `comment.remove`) to the MLflow run whose id is the trial's, one event after
 * another (MLflow has no transaction across tag writes), then calls `afterWrite` (poll now).
 */
export function mlflowIngest(
  client: MlflowClient,
  afterWrite: () => void,
): (events: PostedEvent[]) => Promise<void> {
  return async (events) => {
    try {
      for (const [index, event] of events.entries()) {
        if (!isTeamEvent(event)) {
          throw new IngestInputError(
            `event ${index}: ${event.type} cannot be posted here: this server shows MLflow's runs as they are; send trial.patch, comment.upsert or comment.remove`,
            index,
          );
        }
        await writeEdit(client, event, index);
      }
    } finally {
      afterWrite();
    }
  };
}

async function writeEdit(client: MlflowClient, edit: TeamEvent, index: number): Promise<void> {
  const run = await client.getRun(edit.trialId).catch((err: unknown) => {
    if (err instanceof MlflowNotFoundError || err instanceof MlflowInvalidRequestError)
      throw new IngestInputError(`event ${index}: no MLflow run ${edit.trialId}`, index);
    throw err;
  });
  const before = { id: edit.trialId, ...trialFieldsOf(run) } as Trial;
  let after: Trial;
  try {
    after = applyTeamEdit(before, edit);
  } catch (err) {
    if (err instanceof TeamEditError) throw new IngestInputError(`event ${index}: ${err.message}`, index);
    throw err;
  }
  const held = { ...before.tags, ...teamTagsOf(before), ...notesTag(before) };
  const wanted = { ...after.tags, ...teamTagsOf(after), ...notesTag(after) };
  for (const [key, value] of Object.entries(wanted)) {
    if (Object.hasOwn(held, key) && held[key] === value) continue;
    if (value.length > LENGTH_LIMITS.tagValue)
      throw new IngestInputError(
        `event ${index}: tag ${key} would be ${value.length} characters, MLflow allows ${LENGTH_LIMITS.tagValue}`,
        index,
      );
    await client.setTag(run.info.runId, key, value);
  }
  for (const key of Object.keys(held)) {
    if (Object.hasOwn(wanted, key)) continue;
    await client.deleteTag(run.info.runId, key).catch((err: unknown) => {
      if (!(err instanceof MlflowNotFoundError)) throw err;
    });
  }
}

/** Notes are MLflow's run description. */
function notesTag(trial: Trial): Record<string, string> {
  return trial.notes === undefined ? {} : { [NOTE_TAG]: trial.notes };
}

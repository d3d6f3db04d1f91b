/** Reads the registry's model versions of the runs a poll saw, for the MLflow poller. */
import {
  MlflowApiError,
  type MlflowClient,
  modelVersionsOfRuns,
  type Run,
  type RunModelVersion,
} from '../../../mlflow/index.js';
import type { RunState } from './followed.js';
import { isActive } from './runs.js';

export class ModelVersionReader {
  /** False once the server refused a registry request: it has no registry, so it is not asked again. */
  private registry = true;

  constructor(private readonly client: MlflowClient) {}

  /**
   * The model versions of the runs worth asking about: every run on a full listing (so a version
   * registered from a finished run shows within `fullSyncEvery` polls), else the runs new to the
   * poller (not in `known`) or just finished. A server that refuses the registry (no retry would
   * help) is skipped quietly from then on; a failure worth retrying fails the poll, as any other
   * request's does.
   */
  async read(
    known: ReadonlyMap<string, RunState>,
    runs: readonly Run[],
    full: boolean,
    signal: AbortSignal,
  ): Promise<Map<string, RunModelVersion[]>> {
    if (!this.registry) return new Map();
    const ids = runs
      .filter((run) => {
        const state = known.get(run.info.runId);
        return full || !state || (state.active && !isActive(run));
      })
      .map((run) => run.info.runId);
    if (ids.length === 0) return new Map();
    try {
      return await modelVersionsOfRuns(this.client, ids, { signal });
    } catch (error) {
      if (!(error instanceof MlflowApiError) || error.retryable) throw error;
      this.registry = false;
      return new Map();
    }
  }
}

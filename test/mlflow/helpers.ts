// Shared set-up for the MLflow client tests: a client on the vitest run's real MLflow server.
import { inject } from 'vitest';
import { MlflowClient, type MlflowClientOptions } from '../../src/mlflow/index.js';

/** Base URL of the test MLflow server. */
export const mlflowUri = (): string => inject('mlflowUri');

/** A client on the test server (or on `trackingUri`, e.g. a fault proxy in front of it). */
export function testClient(options: Partial<MlflowClientOptions> = {}): MlflowClient {
  return new MlflowClient({ trackingUri: mlflowUri(), ...options });
}

/** A name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A fresh experiment and one running run in it. */
export async function freshRun(
  client: MlflowClient,
  prefix = 'run',
): Promise<{ experimentId: string; runId: string }> {
  const experimentId = await client.createExperiment(uniqueName(prefix));
  const run = await client.createRun({ experimentId });
  return { experimentId, runId: run.info.runId };
}

// Starts the real peers every Node-side test talks to: one `mlflow server` (sqlite, loopback) and a
// PostgreSQL server. If either cannot start, the whole run fails with the reason; nothing is skipped.
import type { TestProject } from 'vitest/node';
import { startMlflowServer } from '../../scripts/mlflow-server.mjs';
import { ensurePostgres } from '../../scripts/postgres.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the test MLflow server, e.g. http://127.0.0.1:41234 */
    mlflowUri: string;
    /** Connection string of the test PostgreSQL database. */
    pgUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const mlflow = await startMlflowServer();
  project.provide('mlflowUri', mlflow.uri);
  project.provide('pgUrl', ensurePostgres());
  return () => mlflow.stop();
}

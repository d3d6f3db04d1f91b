/** What the MLflow poller remembers of the experiments it follows, between polls. */
import type { Experiment, MetricPoint, Run } from '../../../mlflow/index.js';
import type { Study, Trial } from '../../../protocol/index.js';
import type { HeldSeries } from './metrics.js';

/** An experiment to follow, by name or by id. */
export type ExperimentRef = { name: string } | { id: string };

/** What the poller remembers of a run between polls. */
export interface RunState {
  run: Run;
  trial: Trial;
  /** Whether the run was emitted as a trial (a parent run is a study instead). */
  shown: boolean;
  /** The trial as JSON, to tell a changed run from an unchanged one. */
  json: string;
  active: boolean;
  series: Map<string, HeldSeries>;
}

/** What the poller remembers of one followed experiment. */
export interface Followed {
  ref: ExperimentRef;
  /** Undefined until the experiment's first poll succeeded. */
  experiment?: Experiment;
  /** The studies emitted, by id. */
  studies: Map<string, Study>;
  runs: Map<string, RunState>;
  polls: number;
  /** The latest run start time seen: runs started from then on are new. */
  startMark: number;
  /** The number the next new run of each study gets. */
  nextNumber: Map<string, number>;
  /** Parent runs of its runs that are in another experiment (Optuna's callback puts trials in one of their own). */
  outsideParents: Map<string, Run>;
}

/** New points of one series, fetched for a run of a followed experiment. */
export interface Fetched {
  runId: string;
  key: string;
  points: readonly MetricPoint[];
}

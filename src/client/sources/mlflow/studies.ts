/**
 * Which studies an experiment's runs make. Many searches log one parent run with a child run per
 * trial (`mlflow.start_run(nested=True)`, Optuna's callback with `nested`, hyperopt's SparkTrials),
 * and MLflow's UI groups the children under their parent: grouped by `parent`, such a parent is a
 * study of its own, and the experiment's study keeps the runs outside any parent. What Optuna's
 * callback tagged the runs with becomes the study's objective and search space.
 */
import type { Experiment, Run } from '../../../mlflow/index.js';
import {
  describeSearchSpace,
  isOptunaRun,
  OBJECTIVE_DIRECTIONS_TAG,
  OPTUNA_STATE_TAG,
  optunaDirections,
  optunaDistributions,
  PARENT_RUN_TAG,
  runNameOf,
  type Study,
  type StudyStatus,
} from '../../../protocol/index.js';

/** What a study is: an MLflow experiment, or a parent run with its children. */
export type StudyGrouping = 'experiment' | 'parent';

/** The parent run of a nested run. */
export function parentRunIdOf(run: Run): string | undefined {
  return run.data.tags[PARENT_RUN_TAG] || undefined;
}

/** The id of the study a run's trial belongs to: its parent run's id, or its experiment's. */
export function studyIdOf(run: Run, grouping: StudyGrouping): string {
  return (grouping === 'parent' && parentRunIdOf(run)) || run.info.experimentId;
}

/** The runs that are parents of other runs; grouped by `parent`, they are studies, not trials. */
export function parentRunIds(runs: Iterable<Run>, grouping: StudyGrouping): Set<string> {
  const parents = new Set<string>();
  if (grouping === 'parent') for (const run of runs) parents.add(parentRunIdOf(run) ?? '');
  parents.delete('');
  return parents;
}

const STUDY_STATUS_OF: Record<string, StudyStatus> = {
  RUNNING: 'running',
  SCHEDULED: 'running',
  FINISHED: 'completed',
  FAILED: 'failed',
  KILLED: 'failed',
};

/**
 * The studies of an experiment's runs: one per parent run (by `grouping`), and the experiment's
 * own when some trial is outside every parent or no parent exists. `trials` maps each study id to
 * the runs of its trials.
 */
export function studiesOf(
  experiment: Experiment,
  runs: ReadonlyMap<string, Run>,
  grouping: StudyGrouping,
  outsideParents: ReadonlyMap<string, Run> = new Map(),
): Study[] {
  const parents = parentRunIds(runs.values(), grouping);
  const trials = new Map<string, Run[]>();
  for (const run of runs.values()) {
    if (parents.has(run.info.runId)) continue;
    const id = studyIdOf(run, grouping);
    const group = trials.get(id);
    if (group) group.push(run);
    else trials.set(id, [run]);
  }
  const studies: Study[] = [];
  const own = experiment.experimentId;
  if (trials.has(own) || parents.size === 0) studies.push(experimentStudy(experiment, trials.get(own) ?? []));
  for (const id of parents)
    studies.push(parentStudy(experiment, id, runs.get(id) ?? outsideParents.get(id), trials.get(id) ?? []));
  return studies;
}

/**
 * An experiment as a study: running while one of its runs is, else completed (an experiment has no
 * end of its own; a finished search should not spin forever).
 */
function experimentStudy(experiment: Experiment, trials: readonly Run[]): Study {
  const running = trials.some((run) => STUDY_STATUS_OF[run.info.status] === 'running');
  return {
    id: experiment.experimentId,
    name: experiment.name,
    status: running ? 'running' : 'completed',
    createdAt: experiment.creationTime ?? 0,
    mlflow: { experimentId: experiment.experimentId },
    ...optunaStudyFields(trials, experiment.tags),
  };
}

/**
 * A parent run as a study: named after the run, its status the run's; its id is the run's id. A
 * parent that could not be read (deleted for good) leaves the run id as the name, and the study
 * running while a trial is.
 */
function parentStudy(
  experiment: Experiment,
  runId: string,
  parent: Run | undefined,
  trials: readonly Run[],
): Study {
  const { experimentId } = experiment;
  return {
    id: runId,
    name: (parent && runNameOf(parent)) ?? runId,
    status: parent
      ? (STUDY_STATUS_OF[parent.info.status] ?? 'running')
      : trials.some((run) => STUDY_STATUS_OF[run.info.status] === 'running')
        ? 'running'
        : 'completed',
    createdAt: parent?.info.startTime ?? experiment.creationTime ?? 0,
    ...(parent?.info.endTime !== undefined && { endedAt: parent.info.endTime }),
    mlflow: { experimentId, runId },
    ...optunaStudyFields(trials, {}),
  };
}

/**
 * The objective and search space Optuna's callback left on a study's runs: the direction they
 * were tagged with, the metric it logged the trials' values as, and the distributions of every
 * parameter seen; the study's `tags`, with a multi-objective study's directions added.
 */
export function optunaStudyFields(
  runs: readonly Run[],
  tags: Readonly<Record<string, string>>,
): Pick<Study, 'objective' | 'searchSpace' | 'tags'> {
  const optuna = runs.filter((run) => isOptunaRun(run.data.tags));
  if (optuna.length === 0) return { tags: { ...tags } };
  const distributions = new Map<string, string>();
  for (const run of optuna)
    for (const [name, text] of optunaDistributions(run.data.tags)) distributions.set(name, text);
  const searchSpace = describeSearchSpace(distributions);
  const tagged = new Set(optuna.map((run) => optunaDirections(run.data.tags).join()));
  const directions = tagged.size === 1 ? optunaDirections(optuna[0].data.tags) : [];
  const direction = directions[0];
  const completed = optuna.filter((run) => run.data.tags[OPTUNA_STATE_TAG] === 'COMPLETE');
  // Of a multi-objective study, the first objective: the callback names the values `value_0`,
  // `value_1`… unless given names, whose order the runs do not keep.
  const metric =
    directions.length > 1
      ? completed.some((run) => run.data.metrics.value_0 !== undefined)
        ? 'value_0'
        : undefined
      : objectiveMetric(completed);
  return {
    ...(direction && metric && { objective: { metric, direction } }),
    ...(searchSpace && { searchSpace }),
    tags: directions.length > 1 ? { ...tags, [OBJECTIVE_DIRECTIONS_TAG]: directions.join() } : { ...tags },
  };
}

/**
 * The metric Optuna's callback logged each completed trial's value as: `value` (its default name),
 * else the one metric every completed trial logged; failing that, among those, the ones logged at
 * step 0 only (the callback logs the value once, without a step, where a training loop logs per
 * epoch), and of those the one logged last in every trial (the callback logs after the objective
 * returns). Undefined when that leaves no single metric.
 */
function objectiveMetric(completed: readonly Run[]): string | undefined {
  if (completed.length === 0) return undefined;
  const keys = completed.map((run) => new Set(run.data.latestMetrics.map((m) => m.key)));
  if (keys.some((k) => k.has('value'))) return 'value';
  const shared = [...keys[0]].filter((key) => keys.every((k) => k.has(key)));
  if (shared.length <= 1) return shared[0];
  const once = shared.filter((key) => completed.every((run) => latest(run, key)?.step === 0));
  if (once.length <= 1) return once[0];
  const last = once.filter((key) =>
    completed.every((run) =>
      once.every((other) => latest(run, other)!.timestamp <= latest(run, key)!.timestamp),
    ),
  );
  return last.length === 1 ? last[0] : undefined;
}

function latest(run: Run, key: string): Run['data']['latestMetrics'][number] | undefined {
  return run.data.latestMetrics.find((m) => m.key === key);
}

/**
 * What one poll of a followed experiment changed: records the runs, series and studies it read
 * and returns the protocol events that tell it.
 */
import type { Experiment, Run, RunModelVersion } from '../../../mlflow/index.js';
import type { MetricBatch, PROTOCOL_VERSION, TrialEvent } from '../../../protocol/index.js';
import type { Fetched, Followed, RunState } from './followed.js';
import { addPoints, columnsOf } from './metrics.js';
import { isActive, trialOf } from './runs.js';
import { parentRunIds, type StudyGrouping, studiesOf, studyIdOf } from './studies.js';

/** The version and next sequence number every emitted event carries. */
export interface Envelope {
  v: typeof PROTOCOL_VERSION;
  seq: number;
}

/**
 * Records what one poll of `followed` read, and returns the events that say what changed:
 * studies first, then trials (a run that became a parent leaves the trials), points, removals.
 */
export function recordPoll(
  followed: Followed,
  experiment: Experiment,
  runs: readonly Run[],
  gone: readonly string[],
  metrics: readonly Fetched[],
  models: ReadonlyMap<string, RunModelVersion[]>,
  grouping: StudyGrouping,
  envelope: () => Envelope,
): TrialEvent[] {
  const changed = new Set<RunState>();
  for (const run of runs) {
    const before = followed.runs.get(run.info.runId)?.json;
    const state = remember(followed, run, grouping, models.get(run.info.runId));
    if (state.json !== before) changed.add(state);
  }
  // Trials to remove, emitted last; their envelopes too, so that `seq` rises in the order events go
  // out (a reader drops an event whose `seq` is not above the last it applied).
  const removed: string[] = [];
  for (const runId of gone) {
    if (followed.runs.get(runId)?.shown) removed.push(runId);
    followed.runs.delete(runId);
  }
  const all = new Map([...followed.runs].map(([id, state]) => [id, state.run]));
  const events: TrialEvent[] = [];
  const studies = new Map(
    studiesOf(experiment, all, grouping, followed.outsideParents).map((study) => [study.id, study]),
  );
  for (const study of studies.values()) {
    if (JSON.stringify(study) !== JSON.stringify(followed.studies.get(study.id)))
      events.push({ ...envelope(), type: 'study.upsert', study });
  }
  const parents = parentRunIds(all.values(), grouping);
  for (const [runId, state] of followed.runs) {
    const trial = !parents.has(runId);
    if (trial && (changed.has(state) || !state.shown))
      events.push({ ...envelope(), type: 'trial.upsert', trial: state.trial });
    else if (!trial && state.shown) removed.push(runId);
    state.shown = trial;
  }
  const batches: MetricBatch[] = [];
  for (const { runId, key, points } of metrics) {
    const run = followed.runs.get(runId);
    if (!run || points.length === 0) continue;
    const held = run.series.get(key) ?? { steps: [], values: [], timestamps: [] };
    run.series.set(key, held);
    addPoints(held, points);
    if (run.shown) batches.push({ trialId: runId, key, ...columnsOf(points) });
  }
  if (batches.length) events.push({ ...envelope(), type: 'metrics.append', batches });
  for (const trialId of removed) events.push({ ...envelope(), type: 'trial.remove', trialId });
  for (const studyId of followed.studies.keys()) {
    if (!studies.has(studyId)) events.push({ ...envelope(), type: 'study.remove', studyId });
  }
  followed.studies = studies;
  return events;
}

/**
 * Records a run's trial (numbered in order of discovery within its study), with `models` when
 * they were read this poll, else with the ones held.
 */
function remember(
  followed: Followed,
  run: Run,
  grouping: StudyGrouping,
  models: readonly RunModelVersion[] | undefined,
): RunState {
  const known = followed.runs.get(run.info.runId);
  const studyId = studyIdOf(run, grouping);
  const number = known?.trial.number ?? followed.nextNumber.get(studyId) ?? 0;
  if (!known) followed.nextNumber.set(studyId, number + 1);
  const trial = trialOf(run, number, studyId, models ?? known?.trial.models);
  followed.startMark = Math.max(followed.startMark, run.info.startTime ?? 0);
  const state: RunState = {
    run,
    shown: known?.shown ?? false,
    trial,
    json: JSON.stringify(trial),
    active: isActive(run),
    series: known?.series ?? new Map(),
  };
  followed.runs.set(run.info.runId, state);
  return state;
}

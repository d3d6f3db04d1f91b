/**
 * What a process that stopped hearing other processes' notices for a while (its LISTEN connection
 * was lost) reads to catch up: the studies, trials and sync states changed lately, by the
 * database's own clock, and every series' length (series keep no time of change; a reader knows
 * how much of each it passed on).
 */
import type { StoreChanges } from '../../storage.js';
import { type Db, rowsOf } from './driver.js';
import { type SyncRow, toSyncStatus } from './sync-state.js';
import { type TrialRow, toTrial } from './trials.js';

/** The changes committed in the last `ms` milliseconds (transactions that began earlier included). */
export async function changesWithin(db: Db, ms: number): Promise<StoreChanges> {
  const q = rowsOf(db);
  const since = `updated_at >= now() - $1 * interval '1 millisecond'`;
  const studies = await q<{ data: StoreChanges['studies'][number] }>(
    `SELECT data FROM study WHERE ${since} ORDER BY id`,
    [ms],
  );
  const trials = await q<TrialRow>(
    `SELECT data, experiment_id, run_id FROM trial WHERE ${since} ORDER BY study_id, number, id`,
    [ms],
  );
  const syncStates = await q<SyncRow>(`SELECT trial_id, state, error FROM sync_state WHERE ${since}`, [ms]);
  const series = await q<{ trial_id: string; key: string; points: number }>(
    'SELECT trial_id, key, points FROM metric_series WHERE points > 0',
  );
  return {
    studies: studies.map((r) => r.data),
    trials: trials.map(toTrial),
    syncStates: syncStates.map(toSyncStatus),
    series: series.map((r) => ({ trialId: r.trial_id, key: r.key, points: r.points })),
  };
}

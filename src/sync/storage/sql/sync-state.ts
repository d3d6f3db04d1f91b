/** Each trial's sync state (pending, syncing, synced, retrying, dead, disabled) and its last error. */
import type { SyncState, TrialSyncRecord } from '../../model.js';
import type { StorageOps } from '../../storage.js';
import { type Db, rowsOf } from './driver.js';

export interface SyncRow {
  trial_id: string;
  state: SyncState;
  error: string | null;
}
export function toSyncStatus(row: SyncRow): TrialSyncRecord {
  return { trialId: row.trial_id, state: row.state, ...(row.error != null && { error: row.error }) };
}

/** The sync-state queries of a {@link StorageOps}. */
export type SyncStateQueries = Pick<StorageOps, 'setSyncState' | 'getSyncState' | 'listSyncStates'>;

export function syncStateQueries(db: Db): SyncStateQueries {
  const q = rowsOf(db);
  return {
    async setSyncState(trialId: string, state: SyncState, error?: string): Promise<void> {
      await q(
        `INSERT INTO sync_state (trial_id, state, error) VALUES ($1, $2, $3)
       ON CONFLICT (trial_id) DO UPDATE SET state = EXCLUDED.state, error = EXCLUDED.error, updated_at = now()`,
        [trialId, state, error ?? null],
      );
    },

    async getSyncState(trialId: string): Promise<TrialSyncRecord | undefined> {
      const row = (
        await q<SyncRow>('SELECT trial_id, state, error FROM sync_state WHERE trial_id = $1', [trialId])
      )[0];
      return row && toSyncStatus(row);
    },

    async listSyncStates(): Promise<TrialSyncRecord[]> {
      return (await q<SyncRow>('SELECT trial_id, state, error FROM sync_state ORDER BY trial_id')).map(
        toSyncStatus,
      );
    },
  };
}

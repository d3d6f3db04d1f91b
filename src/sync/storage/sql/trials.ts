/** Studies, trials, their MLflow links and what MLflow last acknowledged of each run. */
import type { MlflowLink, RemoteState, Study, Trial } from '../../model.js';
import type { StorageOps } from '../../storage.js';
import { type Db, rowsOf } from './driver.js';

export interface TrialRow {
  data: Omit<Trial, 'mlflow'>;
  experiment_id: string | null;
  run_id: string | null;
}
export function toTrial(row: TrialRow): Trial {
  const trial: Trial = { ...row.data };
  if (row.experiment_id)
    trial.mlflow = { experimentId: row.experiment_id, ...(row.run_id && { runId: row.run_id }) };
  return trial;
}

/** The study and trial queries of a {@link StorageOps}. */
export type TrialQueries = Pick<
  StorageOps,
  | 'upsertStudy'
  | 'getStudy'
  | 'listStudies'
  | 'upsertTrial'
  | 'getTrial'
  | 'listTrials'
  | 'findTrialByRun'
  | 'nextTrialNumber'
  | 'setRunLink'
  | 'getRemoteState'
  | 'setRemoteState'
>;

export function trialQueries(db: Db): TrialQueries {
  const q = rowsOf(db);
  return {
    async upsertStudy(study: Study): Promise<void> {
      await q(
        'INSERT INTO study (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, updated_at = now()',
        [study.id, JSON.stringify(study)],
      );
    },

    async getStudy(id: string): Promise<Study | undefined> {
      return (await q<{ data: Study }>('SELECT data FROM study WHERE id = $1', [id]))[0]?.data;
    },

    async listStudies(): Promise<Study[]> {
      return (await q<{ data: Study }>('SELECT data FROM study ORDER BY id')).map((r) => r.data);
    },

    async upsertTrial(trial: Trial): Promise<void> {
      const { mlflow, ...data } = trial;
      await q(
        `INSERT INTO trial (id, study_id, number, data, experiment_id, run_id) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET study_id = EXCLUDED.study_id, number = EXCLUDED.number, data = EXCLUDED.data,
         experiment_id = coalesce(EXCLUDED.experiment_id, trial.experiment_id),
         run_id = coalesce(EXCLUDED.run_id, trial.run_id), updated_at = now()`,
        [
          trial.id,
          trial.studyId,
          trial.number,
          JSON.stringify(data),
          mlflow?.experimentId ?? null,
          mlflow?.runId ?? null,
        ],
      );
    },

    async getTrial(id: string): Promise<Trial | undefined> {
      const row = (await q<TrialRow>('SELECT data, experiment_id, run_id FROM trial WHERE id = $1', [id]))[0];
      return row && toTrial(row);
    },

    async listTrials(studyId?: string): Promise<Trial[]> {
      const rows =
        studyId === undefined
          ? await q<TrialRow>('SELECT data, experiment_id, run_id FROM trial ORDER BY study_id, number, id')
          : await q<TrialRow>(
              'SELECT data, experiment_id, run_id FROM trial WHERE study_id = $1 ORDER BY number, id',
              [studyId],
            );
      return rows.map(toTrial);
    },

    async findTrialByRun(runId: string): Promise<Trial | undefined> {
      const row = (
        await q<TrialRow>('SELECT data, experiment_id, run_id FROM trial WHERE run_id = $1', [runId])
      )[0];
      return row && toTrial(row);
    },

    async nextTrialNumber(studyId: string): Promise<number> {
      // In a transaction, the study's row stays locked until it commits: another process numbering
      // a trial of the same study waits, then sees this one's.
      await q('SELECT 1 FROM study WHERE id = $1 FOR UPDATE', [studyId]);
      const rows = await q<{ n: number }>(
        'SELECT coalesce(max(number) + 1, 0)::int AS n FROM trial WHERE study_id = $1',
        [studyId],
      );
      return rows[0].n;
    },

    async setRunLink(trialId: string, link: MlflowLink): Promise<void> {
      await q('UPDATE trial SET experiment_id = $2, run_id = $3, updated_at = now() WHERE id = $1', [
        trialId,
        link.experimentId,
        link.runId ?? null,
      ]);
    },

    async getRemoteState(trialId: string): Promise<RemoteState | undefined> {
      return (
        (await q<{ remote: RemoteState | null }>('SELECT remote FROM trial WHERE id = $1', [trialId]))[0]
          ?.remote ?? undefined
      );
    },

    async setRemoteState(trialId: string, remote: RemoteState): Promise<void> {
      await q('UPDATE trial SET remote = $2 WHERE id = $1', [trialId, JSON.stringify(remote)]);
    },
  };
}

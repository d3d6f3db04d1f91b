/** Reads of things that must exist, for the engine and its actions alike. */
import { NotFoundError } from './errors.js';
import type { Study, Trial } from './model.js';
import type { StorageOps } from './storage.js';

/** The trial `trialId`. @throws NotFoundError when the store has none. */
export async function requireTrial(store: Pick<StorageOps, 'getTrial'>, trialId: string): Promise<Trial> {
  const trial = await store.getTrial(trialId);
  if (!trial) throw new NotFoundError('trial', trialId);
  return trial;
}

/** The study `studyId`. @throws NotFoundError when the store has none. */
export async function requireStudy(store: Pick<StorageOps, 'getStudy'>, studyId: string): Promise<Study> {
  const study = await store.getStudy(studyId);
  if (!study) throw new NotFoundError('study', studyId);
  return study;
}

// Property: whatever is posted to `POST /events`, the server answers 2xx or a typed 4xx with a
// JSON error, never a 5xx or a crash, and a refused batch leaves the producer's state as it was.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotEvent } from '../../src/protocol/index.js';
import { type DashboardServer, engineIngest, startDashboardServer } from '../../src/server/index.js';
import { createMemoryStorage, createSyncEngine, type SyncEngine } from '../../src/sync/index.js';
import { batch, study, trial } from '../client/fixtures.js';

let engine: SyncEngine;
let server: DashboardServer;

beforeAll(async () => {
  engine = createSyncEngine({ storage: createMemoryStorage(), enabled: false });
  await engine.upsertStudy(study('known'));
  await engine.upsertTrial(trial('known-trial', 'known'));
  server = await startDashboardServer({
    page: { title: 'property', attributes: {} },
    bundle: '',
    events: (_req, res) => res.writeHead(204).end(),
    ingest: engineIngest(engine),
  });
});

afterAll(async () => {
  await server?.close();
  await engine?.stop();
});

/** The producer's state without its sequence number, which only counts. */
async function state(): Promise<Omit<SnapshotEvent, 'seq'>> {
  const { seq: _seq, ...rest } = await engine.snapshot();
  return rest;
}

const ids = fc.constantFrom('known', 'known-trial', 'new-a', 'new-b', 'missing', '');
const anEvent = fc.oneof(
  fc.record({
    v: fc.constant(1),
    seq: fc.nat(),
    type: fc.constant('study.upsert'),
    study: fc.tuple(ids, fc.integer({ min: -1, max: 5 })).map(([id, createdAt]) => study(id, { createdAt })),
  }),
  fc.record({
    v: fc.constant(1),
    seq: fc.nat(),
    type: fc.constant('trial.upsert'),
    trial: fc
      .tuple(ids, ids, fc.integer({ min: -1, max: 3 }))
      .map(([id, studyId, number]) => trial(id, studyId, { number })),
  }),
  fc.record({
    v: fc.constant(1),
    seq: fc.nat(),
    type: fc.constant('metrics.append'),
    batches: fc.array(
      fc
        .tuple(ids, fc.array(fc.integer({ min: -2, max: 50 }), { maxLength: 4 }))
        .map(([id, steps]) => batch(id, 'loss', steps)),
      { maxLength: 2 },
    ),
  }),
  fc.record({
    v: fc.constant(1),
    seq: fc.nat(),
    type: fc.constantFrom('study.remove', 'snapshot', 'nope'),
    studyId: ids,
  }),
  fc.anything(),
);
const aBody = fc.oneof(
  fc.array(anEvent, { maxLength: 5 }).map((events) => JSON.stringify(events)),
  anEvent.map((event) => JSON.stringify(event)),
  fc.json(),
  fc.string(),
  fc.string({ unit: 'binary' }),
);

describe('POST /events, any body', () => {
  it('answers 202 or a typed 4xx, and a refused batch changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(aBody, async (body) => {
        const before = await state();
        const res = await fetch(`${server.url}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const answer = await res.text();
        expect(res.status === 202 || (res.status >= 400 && res.status < 500), `${res.status} ${answer}`).toBe(
          true,
        );
        if (res.status === 202) return;
        const { error } = JSON.parse(answer);
        expect(typeof error.code).toBe('string');
        expect(error.message.length).toBeGreaterThan(0);
        expect(await state()).toEqual(before);
      }),
      {
        numRuns: 300,
        // A valid event followed by one the engine refuses: the half-applied batch of issue 10.
        examples: [
          [
            JSON.stringify([
              { v: 1, seq: 1, type: 'study.upsert', study: study('half-applied') },
              { v: 1, seq: 2, type: 'trial.upsert', trial: trial('orphan', 'missing') },
            ]),
          ],
        ],
      },
    );
  }, 120_000);
});

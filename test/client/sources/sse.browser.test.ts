// Chromium's own EventSource against a real `createEventStream` (see sse-source-server.mjs).
import { expect } from '@open-wc/testing';
import { connectSse, type SourceHandle, TrialStore } from '../../../src/client/index.js';

// @ts-expect-error served by the web-test-runner plugin, not a file
const { sseUrl } = (await import('/__trialkit/sse-env.js')) as { sseUrl: string };

async function control(path: string, body?: unknown): Promise<{ seq?: number }> {
  const response = await fetch(`${sseUrl}${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
  return response.json();
}

const emit = (event: Record<string, unknown>) => control('/emit', event);
const trial = (id: string) => ({
  id,
  studyId: 's1',
  number: 0,
  status: 'running',
  params: {},
  tags: {},
  flags: [],
});
const append = (steps: number[]) =>
  emit({
    type: 'metrics.append',
    batches: [{ trialId: 't1', key: 'loss', steps, values: steps.map((s) => s / 10), timestamps: steps }],
  });

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SSE in Chromium', () => {
  let source: SourceHandle | undefined;
  let raw: EventSource | undefined;

  beforeEach(async () => {
    await control('/reset');
    await emit({
      type: 'study.upsert',
      study: { id: 's1', name: 's1', status: 'running', createdAt: 1, tags: {} },
    });
    await emit({ type: 'trial.upsert', trial: trial('t1') });
    await append([0, 1, 2]);
  });

  afterEach(() => {
    source?.close();
    raw?.close();
  });

  it('connectSse loads the snapshot and follows live events, notifying once per frame', async () => {
    const store = new TrialStore();
    let notifications = 0;
    store.subscribe(() => notifications++);
    source = connectSse(store, `${sseUrl}/events`);
    await until(() => store.loaded, 'the snapshot');
    expect(store.connection.state).to.equal('open');
    expect(Array.from(store.getSeries('t1', 'loss')!.steps)).to.deep.equal([0, 1, 2]);
    for (let step = 3; step < 20; step++) await append([step]);
    await until(() => store.getSeries('t1', 'loss')!.length === 20, 'the live points');
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(store.lastSeq).to.equal(20);
    // 18 events and a connection change arrived in far fewer frames than events.
    expect(notifications).to.be.greaterThan(0);
    expect(notifications).to.be.lessThan(20);
  });

  it('connectSse resumes after a dropped connection without losing or doubling points', async () => {
    const store = new TrialStore();
    source = connectSse(store, `${sseUrl}/events`, { backoff: { initialMs: 50, maxMs: 200 } });
    await until(() => store.loaded, 'the snapshot');
    await control('/drop');
    await append([3]);
    await append([4]);
    await until(() => store.getSeries('t1', 'loss')!.length === 5, 'the missed points');
    await append([5]);
    await until(() => store.getSeries('t1', 'loss')!.length === 6, 'the next live point');
    expect(Array.from(store.getSeries('t1', 'loss')!.steps)).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(store.connection.state).to.equal('open');
  });

  it("the browser's own reconnect resumes with the Last-Event-ID header", async () => {
    const ids: number[] = [];
    raw = new EventSource(`${sseUrl}/events`);
    raw.onmessage = (message) => ids.push(Number(message.lastEventId));
    await until(() => ids.length === 1, 'the snapshot');
    expect(ids).to.deep.equal([3]);
    await control('/drop');
    await append([3]);
    await append([4]);
    // The server sends `retry: 200`; Chromium reconnects by itself and sends Last-Event-ID: 3.
    await until(() => ids.length === 3, 'the replayed events');
    expect(ids).to.deep.equal([3, 4, 5]);
  });

  it('reports a malformed event from the server and keeps the stream', async () => {
    const store = new TrialStore();
    const errors: string[] = [];
    store.subscribe((change) => errors.push(...change.errors.map((e) => e.message)));
    source = connectSse(store, `${sseUrl}/events`);
    await until(() => store.loaded, 'the snapshot');
    // A trial without a study id passes the producer but not the protocol.
    await emit({ type: 'trial.upsert', trial: { id: 't2', number: 1, status: 'running' } });
    await emit({ type: 'trial.upsert', trial: trial('t3') });
    await until(() => store.getTrial('t3') !== undefined, 'the event after the bad one');
    store.flush();
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/trial\.studyId/);
    expect(store.getTrial('t2')).to.equal(undefined);
  });
});

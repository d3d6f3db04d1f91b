// Chromium's own WebSocket against the resume protocol, served by sse-source-server.mjs.
import { expect } from '@open-wc/testing';
import { connectWebSocket, type SourceHandle, TrialStore } from '../../../src/client/index.js';

// @ts-expect-error served by the web-test-runner plugin, not a file
const { sseUrl } = (await import('/__trialkit/sse-env.js')) as { sseUrl: string };
const wsUrl = `${sseUrl.replace(/^http/, 'ws')}/ws`;

async function control(path: string, body?: unknown): Promise<void> {
  await fetch(`${sseUrl}${path}`, { method: 'POST', body: JSON.stringify(body ?? {}) });
}

const append = (steps: number[]) =>
  control('/emit', {
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

describe('WebSocket in Chromium', () => {
  let source: SourceHandle | undefined;

  beforeEach(async () => {
    await control('/reset');
    await control('/emit', {
      type: 'study.upsert',
      study: { id: 's1', name: 's1', status: 'running', createdAt: 1, tags: {} },
    });
    await control('/emit', {
      type: 'trial.upsert',
      trial: { id: 't1', studyId: 's1', number: 0, status: 'running', params: {}, tags: {}, flags: [] },
    });
    await append([0, 1, 2]);
  });

  afterEach(() => source?.close());

  it('connectWebSocket loads the snapshot, follows live events and resumes after a drop', async () => {
    const store = new TrialStore();
    source = connectWebSocket(store, wsUrl, { backoff: { initialMs: 50, maxMs: 200 } });
    await until(() => store.loaded, 'the snapshot');
    expect(store.connection.state).to.equal('open');
    expect(Array.from(store.getSeries('t1', 'loss')!.steps)).to.deep.equal([0, 1, 2]);
    await control('/drop');
    await append([3]);
    await append([4]);
    await until(() => store.getSeries('t1', 'loss')!.length === 5, 'the missed points');
    await append([5]);
    await until(() => store.getSeries('t1', 'loss')!.length === 6, 'the next live point');
    expect(Array.from(store.getSeries('t1', 'loss')!.steps)).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(store.lastSeq).to.equal(6);
  });
});

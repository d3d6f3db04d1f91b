// The dashboard's side of a team's edits: the table's star and the thread write through a source
// that applies events, the thread loads on demand, and a source that cannot write says why.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { TrialStore } from '../../../src/client/store.js';
import { TrialDashboard } from '../../../src/components/trial-dashboard/trial-dashboard.js';
import type { EventProducer, SnapshotEvent, TrialEvent } from '../../../src/protocol/index.js';
import { generateSnapshot } from '../../fixtures/studies.js';

TrialDashboard.define();

/** A producer of a snapshot that applies posted events by emitting them, as the engine's applyEvents ends. */
function applyingProducer(snapshot: SnapshotEvent) {
  const listeners = new Set<(event: TrialEvent) => void>();
  const applied: TrialEvent[] = [];
  let seq = snapshot.seq;
  const producer: EventProducer & { applyEvents(events: readonly TrialEvent[]): Promise<void> } = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot: async () => snapshot,
    async applyEvents(events) {
      for (const event of events) {
        applied.push(event);
        for (const listener of listeners) listener({ ...event, seq: ++seq });
      }
    },
  };
  return { producer, applied };
}

async function mount(props: Partial<TrialDashboard>): Promise<TrialDashboard> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 1400px"></div>`);
  const el = document.createElement('trial-dashboard');
  Object.assign(el, props);
  wrapper.append(el);
  await el.updateComplete;
  return el;
}

const snapshot = () => generateSnapshot({ seed: 3, studies: 1, trials: 6, steps: 20 });
const table = (el: TrialDashboard) => el.shadowRoot!.querySelector('trial-table')!;
const comments = (el: TrialDashboard) => el.shadowRoot!.querySelector('trial-comments')!;

describe('<trial-dashboard> team edits', () => {
  it("writes a star and a comment through the source's applyEvents, signed by the viewer", async () => {
    const snap = snapshot();
    const { producer, applied } = applyingProducer(snap);
    const first = snap.trials[0];
    const el = await mount({ source: producer, viewer: { name: 'ana' }, selected: [first.id] });
    await waitUntil(
      () => table(el)?.shadowRoot?.querySelector('[role="row"][data-id]'),
      'the table renders',
      {
        timeout: 10_000,
      },
    );
    expect(table(el).editable).to.equal(true);
    table(el).columns = ['status', 'starred', 'number', 'tags', 'comments'];
    await table(el).updateComplete;
    table(el).shadowRoot!.querySelector<HTMLButtonElement>(`[data-id="${first.id}"] .star`)!.click();
    await waitUntil(() => el.activeStore?.getTrial(first.id)?.starred, 'the star comes back from the source');

    await waitUntil(() => comments(el)?.shadowRoot?.querySelector('textarea'), 'the thread loads', {
      timeout: 10_000,
    });
    const thread = comments(el);
    expect(thread.author).to.equal('ana');
    const area = thread.shadowRoot!.querySelector<HTMLTextAreaElement>('textarea[name="comment"]')!;
    area.value = 'worth a longer run';
    area.dispatchEvent(new InputEvent('input'));
    await thread.updateComplete;
    thread.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await waitUntil(
      () => el.activeStore?.getTrial(first.id)?.comments?.length === 1,
      'the comment is stored',
    );
    expect(applied.map((e) => e.type)).to.deep.equal(['trial.patch', 'comment.upsert']);
    expect(el.activeStore!.getTrial(first.id)!.comments![0]).to.deep.include({
      author: 'ana',
      text: 'worth a longer run',
    });
    await expect(el).to.be.accessible();
  });

  it('shows the controls disabled, with the reason, over a store it cannot write to', async () => {
    const store = new TrialStore();
    const snap = snapshot();
    store.applyTrusted(snap);
    const el = await mount({ store, selected: [snap.trials[0].id], theme: 'dark' });
    await waitUntil(() => comments(el)?.shadowRoot?.querySelector('textarea'), 'the thread loads', {
      timeout: 10_000,
    });
    expect(table(el).editable).to.equal(false);
    expect(table(el).readOnlyReason).to.match(/^Read-only/);
    expect(comments(el).shadowRoot!.querySelector<HTMLTextAreaElement>('textarea')!.disabled).to.equal(true);
    await expect(el).to.be.accessible();
  });
});

import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { TrialStore } from '../../../src/client/store.js';
import { StudySelectEvent } from '../../../src/components/events/study-select-event.js';
import { RunList } from '../../../src/components/run-list/run-list.js';
import type { Study } from '../../../src/protocol/events.js';
import { studies, studySnapshot } from '../../fixtures/studies.js';

RunList.define();

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function study(id: string, name: string, createdAt: number, extra: Partial<Study> = {}): Study {
  return { id, name, status: 'running', createdAt, tags: {}, ...extra };
}

/** Three studies created out of order; the middle one has trials and an objective. */
function smallStore(): TrialStore {
  const store = new TrialStore();
  const sweep = studySnapshot({ trials: 20, studyId: 'b', name: 'b', points: 4 });
  store.applyTrusted({
    v: 1,
    seq: 0,
    type: 'snapshot',
    studies: [
      study('a', 'oldest', 1000, { status: 'completed' }),
      { ...sweep.studies[0], name: `middle ${HOSTILE}`, createdAt: 2000, targetTrials: 30 },
      study('c', 'newest', 3000, { status: 'failed' }),
    ],
    trials: sweep.trials,
    metrics: sweep.metrics,
    sync: [],
  });
  store.flush();
  return store;
}

async function listOf(store: TrialStore): Promise<RunList> {
  const el = await fixture<RunList>(
    html`<trial-run-list style="height: 400px; width: 320px" .store=${store}></trial-run-list>`,
  );
  await nextFrame();
  await el.updateComplete;
  return el;
}

const items = (el: RunList) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="option"]')];
const item = (el: RunList, id: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[role="option"][data-id="${id}"]`)!;

async function settle(el: RunList): Promise<void> {
  await el.updateComplete;
  await nextFrame();
  await el.updateComplete;
}

describe('<trial-run-list>', () => {
  it('lists studies newest first as a listbox', async () => {
    const el = await listOf(smallStore());
    expect(el.studyIds).to.deep.equal(['c', 'b', 'a']);
    expect(el.shadowRoot!.querySelector('[role="listbox"]')!.getAttribute('aria-label')).to.equal('Studies');
    expect(items(el).map((i) => i.getAttribute('aria-posinset'))).to.deep.equal(['1', '2', '3']);
    expect(items(el).every((i) => i.getAttribute('aria-setsize') === '3')).to.equal(true);
  });

  it('takes its theme as a property, as the other components do', async () => {
    const el = await listOf(smallStore());
    const light = getComputedStyle(el).color;
    el.theme = 'dark';
    await settle(el);
    expect(el.getAttribute('theme')).to.equal('dark');
    expect(getComputedStyle(el).color).to.not.equal(light);
  });

  it('shows status (icon and text), trials done of target, best value so far and start', async () => {
    const store = smallStore();
    const el = await listOf(store);
    const text = item(el, 'b').textContent!.replace(/\s+/g, ' ');
    const trials = store.trialsOf('b');
    const done = trials.filter((t) => t.status !== 'running' && t.status !== 'pending').length;
    const best = Math.min(
      ...trials.map((t) => store.getSeries(t.id, 'val_loss')?.min ?? Number.POSITIVE_INFINITY),
    );
    expect(text).to.contain('Running,');
    expect(text).to.contain(`${done} of 30 trials`);
    expect(text).to.contain(
      `best ${new Intl.NumberFormat(undefined, { maximumSignificantDigits: 5 }).format(best)}`,
    );
    expect(item(el, 'b').querySelector('svg')!.getAttribute('aria-hidden')).to.equal('true');
    expect(item(el, 'a').textContent).to.contain('Completed');
  });

  it('counts the trials of a study without a target, and says how many run', async () => {
    const store = new TrialStore();
    const trials = Array.from({ length: 200 }, (_, i) => ({
      id: `r${i}`,
      studyId: 'open',
      number: i,
      status: 'running' as const,
      params: {},
      tags: {},
      flags: [],
      startedAt: 1000 + i,
    }));
    store.applyTrusted({
      v: 1,
      seq: 0,
      type: 'snapshot',
      studies: [study('open', 'open-ended', 1000), study('none', 'empty', 500)],
      trials,
      metrics: [],
      sync: [],
    });
    store.flush();
    const el = await listOf(store);
    const text = (id: string) => item(el, id).textContent!.replace(/\s+/g, ' ');
    expect(text('open')).to.contain('200 trials, 200 running');
    expect(text('none')).to.contain('0 trials');
    expect(text('none')).not.to.contain('running');
  });

  it('renders hostile study names as text', async () => {
    const el = await listOf(smallStore());
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect(item(el, 'b').textContent).to.contain(HOSTILE);
  });

  it('selects a study on click and raises study-select', async () => {
    const el = await listOf(smallStore());
    let event: StudySelectEvent | undefined;
    el.addEventListener('study-select', (e) => {
      event = e;
    });
    item(el, 'a').click();
    await settle(el);
    expect(event).to.be.instanceOf(StudySelectEvent);
    expect(event!.studyId).to.equal('a');
    expect(event!.study!.name).to.equal('oldest');
    expect(el.selected).to.equal('a');
    expect(item(el, 'a').getAttribute('aria-selected')).to.equal('true');
    expect(item(el, 'c').getAttribute('aria-selected')).to.equal('false');
  });

  it('moves focus with arrows, Home and End and selects with Enter', async () => {
    const el = await listOf(smallStore());
    const events: string[] = [];
    el.addEventListener('study-select', (e) => events.push(e.studyId));
    expect(el.shadowRoot!.querySelectorAll('[tabindex="0"]').length).to.equal(1);
    item(el, 'c').focus();
    await sendKeys({ press: 'ArrowDown' });
    await settle(el);
    expect((el.shadowRoot!.activeElement as HTMLElement).dataset.id).to.equal('b');
    await sendKeys({ press: 'End' });
    await settle(el);
    expect((el.shadowRoot!.activeElement as HTMLElement).dataset.id).to.equal('a');
    await sendKeys({ press: 'Home' });
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'Enter' });
    await settle(el);
    expect(events).to.deep.equal(['b']);
    expect(el.selected).to.equal('b');
  });

  it('updates a study’s progress live', async () => {
    const store = smallStore();
    const el = await listOf(store);
    const running = store.trialsOf('b').find((t) => t.status === 'running' || t.status === 'pending')!;
    const before = item(el, 'b').textContent!;
    store.applyTrusted({ v: 1, seq: 1, type: 'trial.upsert', trial: { ...running, status: 'succeeded' } });
    store.flush();
    await settle(el);
    expect(item(el, 'b').textContent).to.not.equal(before);
  });

  it('passes an axe-core accessibility check', async () => {
    const el = await listOf(smallStore());
    el.selected = 'b';
    await settle(el);
    await expect(el).to.be.accessible();
  });

  it('keeps a few items in the DOM with 10,000 studies and pages to the end', async () => {
    const store = new TrialStore();
    store.applyTrusted({
      v: 1,
      seq: 0,
      type: 'snapshot',
      studies: studies(10_000),
      trials: [],
      metrics: [],
      sync: [],
    });
    store.flush();
    const el = await listOf(store);
    expect(items(el).length).to.be.lessThan(40);
    const created = el.studyIds.map((id) => store.getStudy(id)!.createdAt);
    expect(created.every((t, i) => i === 0 || created[i - 1] >= t)).to.equal(true);
    items(el)[0].focus();
    await sendKeys({ press: 'PageDown' });
    await settle(el);
    expect(
      Number((el.shadowRoot!.activeElement as HTMLElement).getAttribute('aria-posinset')),
    ).to.be.greaterThan(4);
    await sendKeys({ press: 'End' });
    await settle(el);
    const focused = el.shadowRoot!.activeElement as HTMLElement;
    expect(focused.getAttribute('aria-posinset')).to.equal('10000');
    expect(items(el).length).to.be.lessThan(40);
  });
});

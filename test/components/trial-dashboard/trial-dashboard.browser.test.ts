import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
// @ts-expect-error served by the test runner's MLflow peer plugin
import { mlflowUri } from '/__trialkit/env.js';
import { TrialStore } from '../../../src/client/store.js';
import {
  type AlertRule,
  StudySelectEvent,
  TrialAlertEvent,
  TrialFinishedEvent,
  TrialSelectEvent,
} from '../../../src/components/events/index.js';
import type { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import { defaultMetrics } from '../../../src/components/trial-dashboard/metrics.js';
import { TrialDashboard } from '../../../src/components/trial-dashboard/trial-dashboard.js';
import { DEFAULT_VIEW } from '../../../src/components/trial-dashboard/view-state.js';
import type { EventProducer, SnapshotEvent, Trial, TrialEvent } from '../../../src/protocol/index.js';
import { generateSnapshot } from '../../fixtures/studies.js';

TrialDashboard.define();

/** A store that notifies only when the test says so (`flush`), so each step is deterministic. */
function manualStore(snapshot?: SnapshotEvent): TrialStore {
  const store = new TrialStore({ schedule: () => {} });
  if (snapshot) store.applyTrusted(snapshot);
  return store;
}

/** One study with 6 trials of 20 steps (seeded): small enough to read, big enough to select from. */
const smallSnapshot = () => generateSnapshot({ seed: 3, studies: 1, trials: 8, steps: 20 });

async function mount(props: Partial<TrialDashboard>, width = 1200): Promise<TrialDashboard> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: ${width}px"></div>`);
  const el = document.createElement('trial-dashboard');
  Object.assign(el, props);
  wrapper.append(el);
  await el.updateComplete;
  return el;
}

/** Delivers the store's pending changes and waits for the dashboard to render them. */
async function settle(el: TrialDashboard, store: TrialStore): Promise<void> {
  store.flush();
  await el.updateComplete;
}

const $ = <T extends Element = HTMLElement>(el: TrialDashboard, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector);
const $$ = <T extends Element = HTMLElement>(el: TrialDashboard, selector: string) => [
  ...el.shadowRoot!.querySelectorAll<T>(selector),
];
/** The first connection loads the store and sources on demand (and the dev server compiles them). */
const FIRST_LOAD = { timeout: 10_000 };

const charts = (el: TrialDashboard) => $$<MetricsChart>(el, 'trial-metrics-chart');

/** What the trial table raises when the user selects rows. */
function selectTrials(el: TrialDashboard, store: TrialStore, ids: string[]): Promise<unknown> {
  $(el, 'trial-table')!.dispatchEvent(new TrialSelectEvent(ids, store.getTrial(ids[ids.length - 1])));
  return el.updateComplete;
}

function runningTrial(store: TrialStore): Trial {
  return [...store.trials.values()].find((t) => t.status === 'running')!;
}

describe('trial-dashboard', () => {
  describe('layout', () => {
    it('puts the run list beside the study on a wide container', async () => {
      const el = await mount({ store: manualStore(smallSnapshot()) }, 1200);
      const side = $(el, '[part="sidebar"]')!.getBoundingClientRect();
      const main = $(el, '[part="main"]')!.getBoundingClientRect();
      expect(side.right).to.be.at.most(main.left + 1);
      expect(Math.abs(side.top - main.top)).to.be.below(2);
    });

    it('stacks the run list above the study on a phone-wide container', async () => {
      const el = await mount({ store: manualStore(smallSnapshot()) }, 390);
      const side = $(el, '[part="sidebar"]')!.getBoundingClientRect();
      const main = $(el, '[part="main"]')!.getBoundingClientRect();
      expect(side.bottom).to.be.at.most(main.top + 1);
      expect(main.width).to.be.closeTo(390, 2);
    });

    it('leaves the run list and the table bounded, so that they stay virtualized', async () => {
      const store = manualStore(generateSnapshot({ seed: 1, studies: 300, trials: 3000, curveTrials: 0 }));
      const el = await mount({ store });
      await aTimeout(50);
      const table = $(el, 'trial-table')!;
      const list = $(el, 'trial-run-list')!;
      expect(table.shadowRoot!.querySelectorAll('[part~="row"]').length).to.be.below(100);
      expect(list.shadowRoot!.querySelectorAll('[part~="item"]').length).to.be.below(100);
      expect(list.getBoundingClientRect().height).to.be.at.most(window.innerHeight + 1);
    });

    it('passes only an http(s) mlflow-ui-url on to the table for run links', async () => {
      const el = await mount({ store: manualStore(smallSnapshot()), mlflowUiUrl: 'javascript:alert(1)' });
      const table = () => $(el, 'trial-table') as HTMLElement & { mlflowUiUrl?: string };
      expect(table().mlflowUiUrl).to.equal(undefined);
      el.mlflowUiUrl = 'https://mlflow.example.com';
      await el.updateComplete;
      expect(table().mlflowUiUrl).to.equal('https://mlflow.example.com');
    });

    it('shows the newest study with its status, progress, search space and best trial', async () => {
      const snapshot = smallSnapshot();
      const el = await mount({ store: manualStore(snapshot) });
      const study = snapshot.studies[0];
      const header = $(el, '[part="header"]')!;
      expect(header.querySelector('h2')!.textContent).to.equal(study.name);
      expect(header.textContent).to.contain(study.status);
      const done = snapshot.trials.filter((t) => !['running', 'pending'].includes(t.status)).length;
      expect(header.textContent).to.match(new RegExp(`${done}\\s+of ${study.targetTrials}`));
      expect(header.textContent).to.contain('lr: log[1e-5, 1e-1]');
      expect(header.textContent).to.match(/Best trial\s*#\d+\s*val_loss/);
    });

    it('follows a newer study until the user selects a trial, then stays on the one they chose in', async () => {
      const snapshot = smallSnapshot();
      const store = manualStore(snapshot);
      const el = await mount({ store });
      const first = snapshot.studies[0];
      const newer = (id: string) => ({
        ...first,
        id,
        name: `Study ${id}`,
        createdAt: first.createdAt + 1000,
      });
      const heading = () => $(el, '[part="header"] h2')!.textContent;
      // Nothing chosen yet: a newer study is shown when it arrives.
      store.applyTrusted({ v: 1, seq: 1_000, type: 'study.upsert', study: newer('later') });
      await settle(el, store);
      expect(heading()).to.equal('Study later');
      store.applyTrusted({ v: 1, seq: 1_001, type: 'study.remove', studyId: 'later' });
      await settle(el, store);
      expect(heading()).to.equal(first.name);
      // A trial selected in it: a newer study no longer takes the page away from it.
      const trial = snapshot.trials[0];
      await selectTrials(el, store, [trial.id]);
      store.applyTrusted({ v: 1, seq: 1_002, type: 'study.upsert', study: newer('latest') });
      await settle(el, store);
      expect(heading()).to.equal(first.name);
      expect(el.view).to.include({ study: first.id });
      expect(el.view.selected).to.deep.equal([trial.id]);
    });

    it('follows the newest study again when a view without one is applied (going back in history)', async () => {
      const store = manualStore(generateSnapshot({ seed: 3, studies: 2, trials: 4, steps: 5 }));
      const el = await mount({ store });
      const older = [...store.studies.values()].sort((a, b) => a.createdAt - b.createdAt)[0];
      const trial = store.trialsOf(older.id)[0];
      el.view = { ...DEFAULT_VIEW, study: older.id, selected: [trial.id] };
      await settle(el, store);
      expect(el.view.study).to.equal(older.id);
      // A view that names no study (a link to the dashboard, a back step to it) shows the newest,
      // and keeps following it: what it cleared was not the user choosing in that study.
      el.view = { ...DEFAULT_VIEW };
      await settle(el, store);
      expect(el.study).to.equal(undefined);
    });

    it('stays on the newest study once the user sorts its table', async () => {
      const snapshot = smallSnapshot();
      const store = manualStore(snapshot);
      const el = await mount({ store });
      const first = snapshot.studies[0];
      const table = $(el, 'trial-table') as HTMLElement & {
        sort: readonly unknown[];
        updateComplete: Promise<boolean>;
      };
      table.shadowRoot!.querySelector<HTMLElement>('[role="columnheader"]')!.click();
      await table.updateComplete;
      await settle(el, store);
      expect(table.sort).to.have.length(1);
      expect(el.view.sort, 'view sort').to.have.length(1);
      expect(el.study, 'pinned').to.equal(first.id);
      store.applyTrusted({
        v: 1,
        seq: 1_000,
        type: 'study.upsert',
        study: { ...first, id: 'later', name: 'Study later', createdAt: first.createdAt + 1000 },
      });
      await settle(el, store);
      expect($(el, '[part="header"] h2')!.textContent).to.equal(first.name);
    });

    it('names the best trial by the objective: the lowest val_loss of any trial', async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store });
      let best = { id: '', value: Number.POSITIVE_INFINITY };
      for (const trial of store.trials.values()) {
        const min = store.getSeries(trial.id, 'val_loss')?.min ?? Number.NaN;
        if (min < best.value) best = { id: trial.id, value: min };
      }
      expect($(el, '[part="header"]')!.textContent).to.contain(`#${store.getTrial(best.id)!.number}`);
    });
  });

  describe('metrics', () => {
    it('charts the objective and an accuracy by default, and loss and accuracy without an objective', () => {
      const keys = ['accuracy', 'loss', 'train_loss', 'val_accuracy', 'val_loss'];
      expect(defaultMetrics(keys, 'val_loss')).to.deep.equal(['val_loss', 'accuracy']);
      expect(defaultMetrics(keys)).to.deep.equal(['loss', 'accuracy']);
      expect(defaultMetrics(['train/loss', 'eval/acc', 'lr'])).to.deep.equal(['train/loss', 'eval/acc']);
      expect(defaultMetrics(['lr', 'grad_norm'])).to.deep.equal(['lr']);
    });

    it('draws one chart per chosen metric and toggles them with the picker', async () => {
      const el = await mount({ store: manualStore(smallSnapshot()) });
      expect(charts(el).map((c) => c.metric)).to.deep.equal(['val_loss', 'accuracy']);
      const loss = $$<HTMLLabelElement>(el, '[part="metric-picker"] label').find(
        (l) => l.textContent!.trim() === 'loss',
      )!;
      loss.querySelector('input')!.click();
      await el.updateComplete;
      expect(charts(el).map((c) => c.metric)).to.deep.equal(['val_loss', 'accuracy', 'loss']);
    });

    it('takes the metrics from the attribute', async () => {
      const store = manualStore(smallSnapshot());
      const el = await fixture<TrialDashboard>(
        html`<trial-dashboard metrics="loss, val_accuracy" .store=${store}></trial-dashboard>`,
      );
      expect(charts(el).map((c) => c.metric)).to.deep.equal(['loss', 'val_accuracy']);
    });
  });

  describe('selection and compare', () => {
    it('highlights the trials selected in the table in every chart', async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store });
      await selectTrials(el, store, ['study-1-t2']);
      for (const chart of charts(el)) expect(chart.highlighted).to.deep.equal(['study-1-t2']);
      expect(($(el, 'trial-table') as HTMLElement & { selected: unknown }).selected).to.deep.equal([
        'study-1-t2',
      ]);
    });

    it('switches study from the run list, dropping the selection', async () => {
      const store = manualStore(generateSnapshot({ seed: 3, studies: 2, trials: 6 }));
      const el = await mount({ store, selected: ['study-2-t1'] });
      $(el, 'trial-run-list')!.dispatchEvent(new StudySelectEvent('study-1', store.getStudy('study-1')!));
      await el.updateComplete;
      expect(el.study).to.equal('study-1');
      expect($(el, '[part="header"] h2')!.textContent).to.equal(store.getStudy('study-1')!.name);
      expect(el.selected).to.deep.equal([]);
      expect(($(el, 'trial-table') as HTMLElement & { study: string }).study).to.equal('study-1');
    });

    it('compares two or more selected trials: charts show only them, parameters side by side', async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store });
      const compare = () =>
        $$<HTMLButtonElement>(el, '[part="toolbar"] button').find((b) => /Compare/.test(b.textContent!))!;
      await selectTrials(el, store, ['study-1-t1']);
      expect(compare().disabled).to.equal(true);
      await selectTrials(el, store, ['study-1-t1', 'study-1-t3']);
      compare().click();
      await el.updateComplete;
      expect(compare().getAttribute('aria-pressed')).to.equal('true');
      for (const chart of charts(el)) expect(chart.trials).to.deep.equal(['study-1-t1', 'study-1-t3']);
      const table = $(el, '[part="compare"] table')!;
      const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent!.trim());
      expect(heads[1]).to.match(/^#1/);
      expect(heads[2]).to.match(/^#3/);
      const rows = [...table.querySelectorAll('tbody tr')];
      const row = (name: string) =>
        rows.find((r) => r.querySelector('th')!.textContent!.trim().startsWith(name))!;
      const [a, b] = ['study-1-t1', 'study-1-t3'].map((id) => store.getTrial(id)!);
      expect(row('lr').classList.contains('differs')).to.equal(a.params.lr !== b.params.lr);
      expect(row('lr').textContent).to.contain('differs');
      expect(rows.map((r) => r.querySelector('th')!.textContent!.trim().split(/\s/)[0])).to.include.members([
        'batch_size',
        'depth',
        'dropout',
        'lr',
        'optimizer',
        'weight_decay',
      ]);
    });

    it('marks only rows whose values differ', async () => {
      const snapshot = smallSnapshot();
      snapshot.trials[2] = { ...snapshot.trials[2], params: { ...snapshot.trials[1].params, lr: 0.5 } };
      const store = manualStore(snapshot);
      const el = await mount({ store, selected: ['study-1-t1', 'study-1-t2'], compare: true });
      const differing = $$(el, '[part="compare"] tbody tr.differs').map(
        (r) => r.querySelector('th')!.textContent!.trim().split(/\s/)[0],
      );
      const flagsDiffer = snapshot.trials[1].flags.join() !== snapshot.trials[2].flags.join();
      expect(differing).to.deep.equal(flagsDiffer ? ['lr', 'flags'] : ['lr']);
    });

    it('leaves compare mode when fewer than two trials stay selected', async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store, selected: ['study-1-t1', 'study-1-t3'], compare: true });
      await selectTrials(el, store, ['study-1-t1']);
      expect(el.compare).to.equal(false);
      expect($(el, '[part="compare"]')).to.equal(null);
      for (const chart of charts(el)) expect(chart.trials).to.equal(undefined);
    });

    it('keeps focus on Clear selection once pressed, the button saying it has nothing left to clear', async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store, selected: ['study-1-t1'] });
      const clear = $$<HTMLButtonElement>(el, '[part="toolbar"] button').find((b) =>
        /Clear/.test(b.textContent!),
      )!;
      expect(clear.getAttribute('aria-disabled')).to.equal('false');
      clear.focus();
      clear.click();
      await settle(el, store);
      expect(el.selected).to.deep.equal([]);
      expect(clear.getAttribute('aria-disabled')).to.equal('true');
      expect(el.shadowRoot!.activeElement).to.equal(clear);
    });
  });

  describe('alerts', () => {
    it('raises trial-finished when a running trial reaches a terminal status, not for the initial state', async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store });
      const finished: TrialFinishedEvent[] = [];
      el.addEventListener('trial-finished', (e) => finished.push(e));
      await settle(el, store);
      expect(finished).to.have.length(0);
      const trial = runningTrial(store);
      store.applyTrusted({ v: 1, seq: 10, type: 'trial.upsert', trial: { ...trial, status: 'succeeded' } });
      await settle(el, store);
      expect(finished).to.have.length(1);
      expect(finished[0]).to.be.instanceOf(TrialFinishedEvent);
      expect(finished[0].trial.id).to.equal(trial.id);
      expect(finished[0].previousStatus).to.equal('running');
      store.applyTrusted({
        v: 1,
        seq: 11,
        type: 'trial.upsert',
        trial: { ...trial, status: 'succeeded', notes: 'x' },
      });
      await settle(el, store);
      expect(finished).to.have.length(1);
    });

    it('raises trial-alert when a new point meets a rule, once per trial by default', async () => {
      const store = manualStore(smallSnapshot());
      const rule: AlertRule = { metric: 'val_loss', op: '<', value: 0.01 };
      const el = await mount({ store, alertRules: [rule] });
      const alerts: TrialAlertEvent[] = [];
      el.addEventListener('trial-alert', (e) => alerts.push(e));
      const trial = runningTrial(store);
      const next = store.getSeries(trial.id, 'val_loss')!.lastStep! + 1;
      store.appendPoints(trial.id, 'val_loss', [next], [0.5], [Date.now()]);
      await settle(el, store);
      expect(alerts).to.have.length(0);
      store.appendPoints(
        trial.id,
        'val_loss',
        [next + 1, next + 2],
        [0.005, 0.004],
        [Date.now(), Date.now()],
      );
      await settle(el, store);
      expect(alerts).to.have.length(1);
      expect(alerts[0]).to.be.instanceOf(TrialAlertEvent);
      expect(alerts[0]).to.include({ rule, value: 0.005, step: next + 1 });
      expect(alerts[0].trial.id).to.equal(trial.id);
      store.appendPoints(trial.id, 'val_loss', [next + 3], [0.003], [Date.now()]);
      await settle(el, store);
      expect(alerts).to.have.length(1);
    });

    it('raises a rule with once: false on every update that meets it', async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({
        store,
        alertRules: [{ metric: 'accuracy', op: '>', value: 0.999, once: false }],
      });
      let count = 0;
      el.addEventListener('trial-alert', () => count++);
      const trial = runningTrial(store);
      const step = store.getSeries(trial.id, 'accuracy')!.lastStep! + 1;
      for (let i = 0; i < 3; i++) {
        store.appendPoints(trial.id, 'accuracy', [step + i], [0.9995], [Date.now()]);
        await settle(el, store);
      }
      expect(count).to.equal(3);
    });
  });

  describe('notifications', () => {
    const original = globalThis.Notification;
    const shown: string[] = [];
    /** Every notification shown, for its click handler. */
    const notifications: { onclick: (() => void) | null }[] = [];
    before(() => {
      class FakeNotification {
        static permission = 'granted';
        onclick: (() => void) | null = null;
        constructor(title: string) {
          shown.push(title);
          notifications.push(this);
        }
      }
      Object.defineProperty(globalThis, 'Notification', { value: FakeNotification, configurable: true });
    });
    after(() => Object.defineProperty(globalThis, 'Notification', { value: original, configurable: true }));
    beforeEach(() => {
      shown.length = 0;
      notifications.length = 0;
    });

    async function finishTrial(props: Partial<TrialDashboard>, cancel = false): Promise<void> {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store, ...props });
      if (cancel) el.addEventListener('trial-finished', (e) => e.preventDefault());
      await settle(el, store);
      const trial = runningTrial(store);
      store.applyTrusted({ v: 1, seq: 10, type: 'trial.upsert', trial: { ...trial, status: 'failed' } });
      await settle(el, store);
    }

    it('shows alerts as browser notifications when asked to and permitted', async () => {
      await finishTrial({ notifications: true });
      expect(shown).to.have.length(1);
      expect(shown[0]).to.match(/^Trial #\d+ failed$/);
    });

    it('opens the trial when its notification is clicked: its study, with it selected', async () => {
      const store = manualStore(generateSnapshot({ seed: 3, studies: 2, trials: 8, steps: 20 }));
      const trial = runningTrial(store);
      const other = [...store.studies.keys()].find((id) => id !== trial.studyId)!;
      const el = await mount({ store, notifications: true, study: other });
      await settle(el, store);
      store.applyTrusted({ v: 1, seq: 10, type: 'trial.upsert', trial: { ...trial, status: 'failed' } });
      await settle(el, store);
      expect(notifications).to.have.length(1);
      const views: string[] = [];
      el.addEventListener('view-change', (e) => views.push(e.query));
      notifications[0].onclick!();
      await el.updateComplete;
      expect(el.view.study).to.equal(trial.studyId);
      expect(el.selected).to.deep.equal([trial.id]);
      expect(
        $$<MetricsChart>(el, 'trial-metrics-chart').every((c) => c.highlighted.includes(trial.id)),
      ).to.equal(true);
      expect(views).to.deep.equal([`v=1&study=${trial.studyId}&sel=${trial.id}`]);
    });

    it('shows none without the notifications attribute, or when a listener cancels the event', async () => {
      await finishTrial({});
      await finishTrial({ notifications: true }, true);
      expect(shown).to.deep.equal([]);
    });
  });

  describe('notes', () => {
    it('shows the selected trial’s notes read-only when the source cannot write', async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store });
      expect($(el, '[part="notes"]')!.textContent).to.contain('Select a trial');
      await selectTrials(el, store, ['study-1-t0']);
      // The panel's module loads with the first trial shown.
      await waitUntil(
        () => !$(el, '[part="notes"]')!.textContent!.includes('Loading'),
        'the notes panel loads',
      );
      const notes = $(el, '[part="notes"]')!;
      expect(notes.textContent).to.contain(store.getTrial('study-1-t0')!.notes!);
      expect(notes.querySelector('textarea')).to.equal(null);
      expect(notes.textContent).to.contain('Read-only');
    });

    it('edits notes through a source that can write them', async () => {
      const producer = new FakeProducer(smallSnapshot());
      const el = await mount({ source: producer });
      await waitUntil(() => $(el, 'trial-table'), 'the dashboard never showed the study', FIRST_LOAD);
      await selectTrials(el, el.activeStore!, ['study-1-t0']);
      await waitUntil(() => $(el, '[part="notes"] textarea'), 'the notes panel loads');
      const textarea = $<HTMLTextAreaElement>(el, '[part="notes"] textarea')!;
      expect(textarea.value).to.equal(el.activeStore!.getTrial('study-1-t0')!.notes);
      textarea.value = 'diverged at step 12';
      textarea.dispatchEvent(new InputEvent('input'));
      await el.updateComplete;
      const save = $$<HTMLButtonElement>(el, '[part="notes"] button').find((b) =>
        /Save/.test(b.textContent!),
      )!;
      save.focus();
      save.click();
      await waitUntil(() => $(el, '[part="notes"] [role="status"]')!.textContent!.includes('Saved'));
      expect(producer.notes).to.deep.equal([['study-1-t0', 'diverged at step 12']]);
      // Nothing left to save: the button says so and keeps focus; pressing it again saves nothing.
      await el.updateComplete;
      expect(save.getAttribute('aria-disabled')).to.equal('true');
      expect(el.shadowRoot!.activeElement).to.equal(save);
      save.click();
      expect(producer.notes).to.have.length(1);
      await waitUntil(() => el.activeStore!.getTrial('study-1-t0')!.notes === 'diverged at step 12');
    });
  });

  describe('states', () => {
    it('shows a skeleton until the store has loaded', async () => {
      const store = manualStore();
      const el = await mount({ store });
      expect($(el, '[part="skeleton"]')).to.exist;
      expect($(el, '[part="main"]')!.getAttribute('aria-busy')).to.equal('true');
      store.applyTrusted(smallSnapshot());
      await settle(el, store);
      expect($(el, '[part="skeleton"]')).to.equal(null);
      expect($(el, '[part="header"]')).to.exist;
    });

    it('says so when there are no studies, or a study has no trials', async () => {
      const store = manualStore({
        v: 1,
        seq: 1,
        type: 'snapshot',
        studies: [],
        trials: [],
        metrics: [],
        sync: [],
      });
      const el = await mount({ store });
      expect($(el, '[part="empty"]')!.textContent).to.contain('No studies yet');
      const study = smallSnapshot().studies[0];
      store.applyTrusted({ v: 1, seq: 2, type: 'study.upsert', study });
      await settle(el, store);
      expect($(el, '[part="empty"]')!.textContent).to.contain('No trials yet');
    });

    it('shows an alert banner while the source reconnects, and removes it once it is back', async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store });
      expect($(el, '[role="alert"]')).to.equal(null);
      store.setConnection({ state: 'reconnecting', message: 'connection lost' });
      await settle(el, store);
      expect($(el, '[role="alert"]')!.textContent).to.contain('reconnecting');
      store.setConnection({ state: 'open' });
      await settle(el, store);
      expect($(el, '[role="alert"]')).to.equal(null);
    });

    it('reports malformed events in the banner until dismissed', async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store });
      store.apply({ v: 1, seq: 5, type: 'trial.upsert' });
      await settle(el, store);
      const banner = $(el, '[role="alert"]')!;
      expect(banner.textContent).to.match(/1 event was\s+ignored/);
      expect(banner.textContent).to.contain('trial');
      banner.querySelector('button')!.click();
      await el.updateComplete;
      expect($(el, '[role="alert"]')).to.equal(null);
    });

    it("says a source's failure as one, and once while the connection line says it", async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store });
      store.apply({
        v: 1,
        seq: 5,
        type: 'error',
        code: 'source_error',
        message: 'polling MLflow failed: ECONNREFUSED',
      });
      await settle(el, store);
      const text = () => ($(el, '[role="alert"]')?.textContent ?? '').replace(/\s+/g, ' ');
      expect(text()).to.contain('The source failed: polling MLflow failed: ECONNREFUSED');
      expect(text()).not.to.contain('ignored');
      // The browser's MLflow polling also marks the connection as reconnecting with the same cause.
      store.setConnection({ state: 'reconnecting', message: 'ECONNREFUSED' });
      await settle(el, store);
      expect(text()).to.contain('reconnecting');
      expect(text().split('ECONNREFUSED').length - 1, 'the cause, once').to.equal(1);
    });
  });

  describe('wiring', () => {
    it('connects to an SSE endpoint given as src, and raises alerts from it', async () => {
      const finished = new Promise<TrialFinishedEvent>((resolve) =>
        document.addEventListener('trial-finished', resolve, { once: true }),
      );
      const el = await fixture<TrialDashboard>(
        html`<trial-dashboard src="/__trialkit/dashboard-sse"></trial-dashboard>`,
      );
      await waitUntil(
        () => $(el, '[part="header"] h2')?.textContent === 'SSE study',
        'no study from SSE',
        FIRST_LOAD,
      );
      expect((await finished).trial.id).to.equal('t0');
      await waitUntil(
        () => $(el, '[role="alert"]')?.textContent?.includes('ignored'),
        'no malformed-event banner',
      );
    });

    it('shows the banner while the SSE source reconnects, and clears it when it is back', async () => {
      const el = await fixture<TrialDashboard>(
        html`<trial-dashboard src="/__trialkit/dashboard-sse?drop=1"></trial-dashboard>`,
      );
      await waitUntil(
        () => $(el, '[role="alert"]')?.textContent?.includes('reconnecting'),
        'no reconnecting banner',
        FIRST_LOAD,
      );
      await waitUntil(() => el.activeStore?.connection.state === 'open', 'never reconnected', FIRST_LOAD);
      // The store tells its listeners of the new state in its next batch: the banner goes then.
      await waitUntil(
        () => !($(el, '[role="alert"]')?.textContent ?? '').includes('reconnecting'),
        'the banner stayed',
        { timeout: 5_000 },
      );
    });

    it('polls an MLflow server given as mlflow and experiment, and notices a run finishing', async () => {
      const name = `dashboard-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
      const { experiment_id } = await mlflow('experiments/create', { name });
      const { run } = await mlflow('runs/create', {
        experiment_id,
        run_name: 'first',
        start_time: Date.now(),
      });
      const runId = run.info.run_id as string;
      const metrics = [0, 1, 2].map((step) => ({
        key: 'loss',
        value: 2 - step / 2,
        step,
        timestamp: Date.now(),
      }));
      await mlflow('runs/log-batch', { run_id: runId, metrics, params: [{ key: 'lr', value: '0.01' }] });

      const el = await fixture<TrialDashboard>(
        html`<trial-dashboard mlflow=${mlflowUri} experiment=${name} poll-interval="200"></trial-dashboard>`,
      );
      await waitUntil(
        () => $(el, '[part="header"] h2')?.textContent === name,
        'no study from MLflow',
        FIRST_LOAD,
      );
      await waitUntil(() => charts(el).some((c) => c.metric === 'loss'), 'no loss chart');
      const finished = new Promise<TrialFinishedEvent>((resolve) =>
        el.addEventListener('trial-finished', resolve, { once: true }),
      );
      await mlflow('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
      expect((await finished).trial.id).to.equal(runId);
      expect(($(el, 'trial-table') as HTMLElement & { mlflowUiUrl: string }).mlflowUiUrl).to.equal(mlflowUri);
    });

    it('feeds its own store from a source property and closes it when removed', async () => {
      const producer = new FakeProducer(smallSnapshot());
      const el = await mount({ source: producer });
      await waitUntil(() => $(el, '[part="header"]'), 'the source was never read', FIRST_LOAD);
      expect(producer.listeners).to.equal(1);
      el.remove();
      expect(producer.listeners).to.equal(0);
    });

    it('closes the old connection when rewired', async () => {
      const first = new FakeProducer(smallSnapshot());
      const second = new FakeProducer(generateSnapshot({ seed: 9, studies: 1, trials: 3 }));
      const el = await mount({ source: first });
      await waitUntil(() => first.listeners === 1, 'the first source was never read', FIRST_LOAD);
      el.source = second;
      await waitUntil(() => second.listeners === 1, 'the second source was never read', FIRST_LOAD);
      expect(first.listeners).to.equal(0);
    });
  });

  describe('accessibility', () => {
    it('has no axe violations with a study, a selection and the comparison shown', async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store, selected: ['study-1-t1', 'study-1-t3'], compare: true });
      store.setConnection({ state: 'reconnecting', message: 'connection lost' });
      await settle(el, store);
      await aTimeout(50);
      await expect(el).to.be.accessible();
    });

    it('has no axe violations in the dark theme with a trial selected', async () => {
      const store = manualStore(smallSnapshot());
      const el = await mount({ store, theme: 'dark', selected: ['study-1-t0'] });
      await aTimeout(50);
      await expect(el).to.be.accessible();
    });

    it('has no axe violations while loading', async () => {
      const el = await mount({ store: manualStore() });
      await expect(el).to.be.accessible();
    });
  });
});

/** Calls the test MLflow server's REST API directly (POST, JSON), as a training script would. */
// biome-ignore lint/suspicious/noExplicitAny: MLflow's JSON answers, read field by field in the test
async function mlflow(path: string, body: unknown): Promise<any> {
  const response = await fetch(`${mlflowUri}/api/2.0/mlflow/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`MLflow ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** An in-process producer like the sync engine: subscribe, snapshot, and notes it stores and re-emits. */
class FakeProducer implements EventProducer {
  private readonly subscribers = new Set<(event: TrialEvent) => void>();
  private seq = 1;
  readonly notes: [string, string][] = [];
  constructor(private readonly state: SnapshotEvent) {}

  get listeners(): number {
    return this.subscribers.size;
  }
  subscribe(listener: (event: TrialEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }
  async snapshot(): Promise<SnapshotEvent> {
    return { ...this.state, seq: this.seq };
  }
  async setTrialNotes(trialId: string, notes: string): Promise<void> {
    this.notes.push([trialId, notes]);
    const trial = this.state.trials.find((t) => t.id === trialId)!;
    const event: TrialEvent = { v: 1, seq: ++this.seq, type: 'trial.upsert', trial: { ...trial, notes } };
    for (const listener of this.subscribers) listener(event);
  }
}

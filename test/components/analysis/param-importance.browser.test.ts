import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { TrialStore } from '../../../src/client/store.js';
import { resetImportanceWorker } from '../../../src/components/param-importance/importance-worker.js';
import { ParamImportance } from '../../../src/components/param-importance/param-importance.js';
import type { SnapshotEvent, Trial } from '../../../src/protocol/index.js';
import { analysisStudy } from '../../fixtures/analysis-study.js';

ParamImportance.define();

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function storeOf(snapshot: SnapshotEvent): TrialStore {
  const store = new TrialStore({ schedule: () => {} });
  store.applyTrusted(snapshot);
  return store;
}

/** A study whose val_loss is mostly `strong`, a little `weak`, and not `idle` at all. */
function tiered(
  trials: number,
  extra: Record<string, (n: number) => Trial['params'][string] | undefined> = {},
) {
  const snapshot = analysisStudy({ trials: 0 });
  snapshot.studies[0].searchSpace = undefined;
  for (let n = 0; n < trials; n++) {
    const strong = (n * 37) % 101;
    const weak = (n * 53) % 97;
    const params: Trial['params'] = { strong, weak, idle: (n * 71) % 89 };
    for (const [name, value] of Object.entries(extra)) {
      const v = value(n);
      if (v !== undefined) params[name] = v;
    }
    snapshot.trials.push({
      id: `t${n}`,
      studyId: 'analysis',
      number: n,
      status: 'succeeded',
      params,
      tags: {},
      flags: [],
    });
    snapshot.metrics.push({
      trialId: `t${n}`,
      key: 'val_loss',
      steps: [0],
      values: [strong + 0.1 * weak],
      timestamps: [n],
    });
  }
  return snapshot;
}

async function view(store: TrialStore, props: Record<string, unknown> = {}): Promise<ParamImportance> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 600px"></div>`);
  const el = document.createElement('trial-param-importance');
  Object.assign(el, { store, study: 'analysis', ...props });
  wrapper.append(el);
  await el.updateComplete;
  return el;
}

const ranked = async (el: ParamImportance) => {
  await waitUntil(() => el.result, 'a ranking', { timeout: 20_000 });
  await el.updateComplete;
  return [...el.shadowRoot!.querySelectorAll('[part="item"] .name')].map((n) => n.textContent);
};
const text = (el: HTMLElement) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');

describe('<trial-param-importance>', () => {
  afterEach(() => resetImportanceWorker());

  it('ranks the param the objective depends on first, computed in a worker, with the method named', async () => {
    const el = await view(storeOf(tiered(120)));
    expect(text(el)).to.contain('Fitting a random forest to 120 trials');
    expect(await ranked(el)).to.deep.equal(['strong', 'weak', 'idle']);
    expect(el.venue).to.equal('worker');
    expect(el.result!.importances[0].importance).to.be.greaterThan(0.8);
    const method = el.shadowRoot!.querySelector('[part="method"] summary')!.textContent!.replace(/\s+/g, ' ');
    expect(method).to.match(
      /fANOVA · random forest of 64 trees · 120 trials · \d+ (ms|s) in (a worker|\d workers)/,
    );
    const list = el.shadowRoot!.querySelector('ol[part="list"]')!;
    expect(list.getAttribute('aria-label')).to.equal('Param importance for val_loss, most important first');
    expect(list.querySelectorAll('li')[0].textContent).to.match(/strong\s+\d+ %/);
  });

  it('recomputes as trials finish, keeping the last ranking on screen meanwhile', async () => {
    const store = storeOf(tiered(60));
    const el = await view(store);
    await ranked(el);
    expect(el.result!.trials).to.equal(60);
    const more = tiered(90);
    store.applyTrusted({ ...more, seq: 1 });
    store.flush();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('ol.updating'), 'the old ranking stays, dimmed').to.not.equal(null);
    expect(el.shadowRoot!.querySelector('ol')!.getAttribute('aria-busy')).to.equal('true');
    await waitUntil(() => el.result?.trials === 90, 'recomputed on 90 trials', { timeout: 20_000 });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('ol.updating')).to.equal(null);
  });

  it('ranks over the trials the filters keep, and says so', async () => {
    const el = await view(storeOf(tiered(120)), {
      filters: { params: [{ name: 'strong', min: 0, max: 50 }] },
    });
    await ranked(el);
    expect(el.result!.trials).to.be.lessThan(120);
    expect(text(el)).to.contain('the filters keep');
  });

  it('computes in the page, and says so, where no worker can start', async () => {
    const original = window.Worker;
    // A page whose Content-Security-Policy refuses blob: workers throws on `new Worker(blobUrl)`.
    window.Worker = class {
      constructor() {
        throw new DOMException('Refused by worker-src', 'SecurityError');
      }
    } as unknown as typeof Worker;
    try {
      resetImportanceWorker();
      const el = await view(storeOf(tiered(80)));
      expect(await ranked(el)).to.deep.equal(['strong', 'weak', 'idle']);
      expect(el.venue).to.equal('page');
      expect(text(el)).to.contain('in the page');
      expect(text(el)).to.contain('CSP worker-src');
    } finally {
      window.Worker = original;
    }
  });

  it('says why it cannot rank instead of going blank', async () => {
    const cases: [SnapshotEvent, string][] = [
      [analysisStudy({ trials: 0 }), 'No finished trials yet.'],
      [tiered(1), 'Ranking needs two trials with val_loss and every param; 1 trial here.'],
    ];
    const flat = tiered(10);
    for (const m of flat.metrics) m.values = [3];
    cases.push([flat, 'Every trial has the same val_loss: no param explains any of it.']);
    const bare = tiered(10);
    for (const t of bare.trials) t.params = {};
    cases.push([bare, 'No params to rank.']);
    const nan = tiered(10);
    for (const m of nan.metrics) m.values = [Number.NaN];
    cases.push([nan, 'Ranking needs two trials with val_loss and every param; 0 trials here.']);
    for (const [snapshot, message] of cases) {
      const el = await view(storeOf(snapshot));
      expect(el.shadowRoot!.querySelector('[part="summary"]')!.textContent!.trim()).to.equal(message);
    }
  });

  it('shows hostile param names as text, and what it left out', async () => {
    const el = await view(
      storeOf(tiered(60, { [HOSTILE]: (n) => n % 5, rare: (n) => (n < 5 ? n : undefined) })),
    );
    const names = await ranked(el);
    expect(names).to.include(HOSTILE);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    expect(text(el)).to.contain('rare left out: missing on 55 of 60 trials.');
  });

  it('passes an axe-core accessibility check, light and dark', async () => {
    for (const theme of ['light', 'dark']) {
      const el = await view(storeOf(tiered(60)), { theme });
      // A dark view sits on a dark page.
      el.parentElement!.style.background = theme === 'dark' ? '#111418' : '#ffffff';
      await ranked(el);
      await expect(el).to.be.accessible();
    }
  });
});

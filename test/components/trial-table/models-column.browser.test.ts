// The trial table's Models column: registered model versions as chips linked to the MLflow UI.
import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import { TrialStore } from '../../../src/client/store.js';
import { TrialTable } from '../../../src/components/trial-table/trial-table.js';
import type { Trial } from '../../../src/protocol/events.js';

TrialTable.define();

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function trial(number: number, models?: Trial['models']): Trial {
  return {
    id: `t${number}`,
    studyId: 's1',
    number,
    status: 'succeeded',
    params: {},
    tags: {},
    flags: [],
    mlflow: { experimentId: '3', runId: `run${number}` },
    ...(models && { models }),
  };
}

function storeOf(trials: Trial[]): TrialStore {
  const store = new TrialStore();
  store.applyTrusted({
    v: 2,
    seq: 0,
    type: 'snapshot',
    studies: [{ id: 's1', name: 'Study', status: 'running', createdAt: 0, tags: {} }],
    trials,
    metrics: [],
    sync: [],
  });
  store.flush();
  return store;
}

async function tableOf(store: TrialStore, mlflowUiUrl?: string): Promise<TrialTable> {
  const el = await fixture<TrialTable>(
    html`<trial-table
      style="--trialkit-table-height: 300px; width: 1400px"
      .store=${store}
      study="s1"
      .mlflowUiUrl=${mlflowUiUrl}
    ></trial-table>`,
  );
  await nextFrame();
  await el.updateComplete;
  return el;
}

const headers = (el: TrialTable) =>
  [...el.shadowRoot!.querySelectorAll('[role="columnheader"] .label')].map((h) => h.textContent);
const modelsCell = (el: TrialTable, id: string) => {
  const col = el.shownColumns.findIndex((c) => c.id === 'models');
  return el.shadowRoot!.querySelector<HTMLElement>(
    `.body [role="row"][data-id="${id}"] [data-col="${col}"]`,
  )!;
};

describe('<trial-table> Models column', () => {
  it('is not offered while no trial has a registered model', async () => {
    const el = await tableOf(storeOf([trial(1), trial(2)]));
    expect(el.availableColumns.map((c) => c.id)).not.to.include('models');
    expect(headers(el)).not.to.include('Models');
  });

  it('shows each version as "name vN (aliases)", linked to its page in the MLflow UI', async () => {
    const models = [
      { name: 'fraud/detector v2', version: '3', aliases: ['canary', 'champion'] },
      { name: 'churn', version: '10', aliases: [] },
    ];
    const el = await tableOf(storeOf([trial(1, models), trial(2)]), 'http://127.0.0.1:5000/');

    expect(headers(el)).to.include('Models');
    const links = [...modelsCell(el, 't1').querySelectorAll('a')];
    expect(links.map((a) => a.textContent)).to.deep.equal([
      'fraud/detector v2 v3 (canary, champion)',
      'churn v10',
    ]);
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([
      'http://127.0.0.1:5000/#/models/fraud%2Fdetector%20v2/versions/3',
      'http://127.0.0.1:5000/#/models/churn/versions/10',
    ]);
    for (const a of links) {
      expect(a.getAttribute('rel')).to.equal('noopener noreferrer');
      expect(a.getAttribute('target')).to.equal('_blank');
    }
    expect(modelsCell(el, 't2').textContent!.trim()).to.equal('');
  });

  it('renders a hostile model name as text', async () => {
    const el = await tableOf(
      storeOf([trial(1, [{ name: HOSTILE, version: '1', aliases: [HOSTILE] }])]),
      'http://127.0.0.1:5000',
    );
    const cell = modelsCell(el, 't1');
    expect(cell.querySelector('img')).to.equal(null);
    expect(cell.querySelector('a')!.textContent).to.equal(`${HOSTILE} v1 (${HOSTILE})`);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('shows plain chips, no links, without an MLflow UI URL', async () => {
    const el = await tableOf(storeOf([trial(1, [{ name: 'churn', version: '1', aliases: [] }])]));
    const cell = modelsCell(el, 't1');
    expect(cell.querySelector('a')).to.equal(null);
    expect(cell.querySelector('[part="model"]')!.textContent).to.equal('churn v1');
  });

  it('appears when a live update brings a trial its first model', async () => {
    const store = storeOf([trial(1)]);
    const el = await tableOf(store, 'http://127.0.0.1:5000');
    store.apply({
      v: 2,
      seq: 1,
      type: 'trial.upsert',
      trial: trial(1, [{ name: 'churn', version: '1', aliases: ['champion'] }]),
    });
    store.flush();
    await el.updateComplete;
    await nextFrame();

    expect(headers(el)).to.include('Models');
    expect(modelsCell(el, 't1').querySelector('a')!.textContent).to.equal('churn v1 (champion)');
  });

  it('sorts and exports by the versions as they read', async () => {
    const el = await tableOf(
      storeOf([trial(1, [{ name: 'churn', version: '2', aliases: ['champion'] }]), trial(2)]),
      'http://127.0.0.1:5000',
    );
    el.columns = ['number', 'models'];
    await el.updateComplete;
    expect(el.toCsv().split('\r\n').slice(0, 3)).to.deep.equal([
      'number,models',
      '1,churn v2 (champion)',
      '2,',
    ]);
  });
});

import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import { TrialStore } from '../../../src/client/store.js';
import { compareTrials } from '../../../src/components/trial-dashboard/compare.js';
import { TrialTable } from '../../../src/components/trial-table/trial-table.js';
import type { Trial } from '../../../src/protocol/events.js';

TrialTable.define();

/**
 * Params and tags named like members of `Object.prototype`. Parsed from JSON, as the wire brings
 * them, so that `__proto__` is an own key rather than the object's prototype.
 */
const ODD: Trial = JSON.parse(
  JSON.stringify({
    id: 'odd',
    studyId: 's1',
    number: 1,
    status: 'succeeded',
    flags: [],
    params: { lr: 0.5 },
    tags: { constructor: 'tagged-ctor' },
  }).replace('"lr":0.5', '"lr":0.5,"constructor":"c","toString":3,"__proto__":"p"'),
);
const PLAIN: Trial = {
  id: 'plain',
  studyId: 's1',
  number: 2,
  status: 'succeeded',
  flags: [],
  params: { lr: 0.1 },
  tags: {},
};

function store(): TrialStore {
  const s = new TrialStore();
  s.applyTrusted({
    v: 1,
    seq: 0,
    type: 'snapshot',
    studies: [{ id: 's1', name: 'own keys', status: 'running', createdAt: 0, tags: {} }],
    trials: [ODD, PLAIN],
    metrics: [],
    sync: [],
  });
  s.flush();
  return s;
}

async function tableOf(s: TrialStore): Promise<TrialTable> {
  const el = await fixture<TrialTable>(
    html`<trial-table style="--trialkit-table-height: 300px; width: 1400px" .store=${s} study="s1"></trial-table>`,
  );
  await settle(el);
  return el;
}

async function settle(el: TrialTable): Promise<void> {
  await el.updateComplete;
  await nextFrame();
  await el.updateComplete;
}

const COLUMNS = ['number', 'param:__proto__', 'param:constructor', 'param:toString', 'param:lr'];

function cellTexts(el: TrialTable, id: string): string[] {
  const row = el.shadowRoot!.querySelector(`.body [role="row"][data-id="${id}"]`)!;
  return [...row.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent!.trim());
}

describe('params and tags named like Object.prototype members', () => {
  it('offers a column for each, in cells and CSV, empty for trials without them', async () => {
    const el = await tableOf(store());
    expect(el.shownColumns.map((c) => c.id)).to.include.members(COLUMNS.slice(1));
    el.columns = COLUMNS;
    await settle(el);
    expect(cellTexts(el, 'odd')).to.deep.equal(['1', 'p', 'c', '3', '0.5']);
    expect(cellTexts(el, 'plain')).to.deep.equal(['2', '', '', '', '0.1']);
    expect(el.toCsv()).to.equal('number,__proto__,constructor,toString,lr\r\n1,p,c,3,0.5\r\n2,,,,0.1\r\n');
  });

  it('sorts and filters by them as by any param', async () => {
    const el = await tableOf(store());
    el.columns = COLUMNS;
    el.sort = [{ column: 'param:constructor', direction: 'desc' }];
    await settle(el);
    // Missing values sort last either way, so the trial holding the param leads.
    expect(el.shownTrials.map((t) => t.id)).to.deep.equal(['odd', 'plain']);
    el.filters = { params: [{ name: 'constructor' }] };
    await settle(el);
    expect(el.shownTrials.map((t) => t.id)).to.deep.equal(['odd']);
    el.filters = { params: [{ name: 'toString', min: 0 }] };
    await settle(el);
    expect(el.shownTrials.map((t) => t.id)).to.deep.equal(['odd']);
    el.filters = { text: 'tagged-ctor' };
    await settle(el);
    expect(el.shownTrials.map((t) => t.id)).to.deep.equal(['odd']);
  });

  it('compares them side by side, missing where a trial lacks them', () => {
    const rows = compareTrials([ODD, PLAIN]);
    expect(rows.map((r) => [r.name, r.values])).to.deep.equal([
      ['__proto__', ['p', undefined]],
      ['constructor', ['c', undefined]],
      ['lr', [0.5, 0.1]],
      ['toString', [3, undefined]],
    ]);
  });
});

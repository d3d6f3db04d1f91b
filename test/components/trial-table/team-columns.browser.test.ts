// The table's team columns: the star toggle and tag chips raise edits (or stay disabled with the
// reason), the comments column shows the count and the latest, and the star and tag filters.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { TrialStore } from '../../../src/client/store.js';
import { TrialEditEvent } from '../../../src/components/events/trial-edit-event.js';
import { TrialTable } from '../../../src/components/trial-table/trial-table.js';
import type { Trial } from '../../../src/protocol/events.js';

TrialTable.define();

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function trial(number: number, extra: Partial<Trial> = {}): Trial {
  return {
    id: `t${number}`,
    studyId: 's1',
    number,
    status: 'running',
    params: {},
    tags: {},
    flags: [],
    ...extra,
  };
}

function store(): TrialStore {
  const s = new TrialStore();
  s.applyTrusted({
    v: 3,
    seq: 0,
    type: 'snapshot',
    studies: [{ id: 's1', name: 'search', status: 'running', createdAt: 0, tags: {} }],
    trials: [
      trial(0, { starred: true, tags: { candidate: '' } }),
      trial(1, {
        tags: { optimizer: 'adamw' },
        comments: [
          { id: 'c1', author: 'ana', text: 'first', createdAt: 1 },
          { id: 'c2', author: 'bo', text: HOSTILE, createdAt: 2 },
        ],
      }),
      trial(2),
    ],
    metrics: [],
    sync: [],
  });
  s.flush();
  return s;
}

async function tableOf(props: Partial<TrialTable>): Promise<TrialTable> {
  const el = await fixture<TrialTable>(
    html`<trial-table
      style="height: 400px; width: 900px"
      .store=${store()}
      study="s1"
      .columns=${['status', 'starred', 'number', 'tags', 'comments']}
    ></trial-table>`,
  );
  Object.assign(el, props);
  await el.updateComplete;
  return el;
}

const rowOf = (el: TrialTable, id: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[role="row"][data-id="${id}"]`)!;

describe('trial-table team columns', () => {
  it('raises a trial.patch when a star is pressed, and shows the star state', async () => {
    const el = await tableOf({ editable: true });
    const edits: TrialEditEvent[] = [];
    el.addEventListener('trial-edit', (e) => edits.push(e));
    const starred = rowOf(el, 't0').querySelector<HTMLButtonElement>('.star')!;
    expect(starred.getAttribute('aria-pressed')).to.equal('true');
    rowOf(el, 't2').querySelector<HTMLButtonElement>('.star')!.click();
    expect(edits[0]).to.be.instanceOf(TrialEditEvent);
    expect(edits[0].edit).to.deep.equal({ type: 'trial.patch', trialId: 't2', starred: true });
  });

  it('adds a tag typed as key=value and removes one', async () => {
    const el = await tableOf({ editable: true });
    const edits: TrialEditEvent['edit'][] = [];
    el.addEventListener('trial-edit', (e) => edits.push(e.edit));
    rowOf(el, 't2').querySelector<HTMLButtonElement>('.tag-add')!.click();
    await el.updateComplete;
    const input = rowOf(el, 't2').querySelector<HTMLInputElement>('.tag-input')!;
    expect(el.shadowRoot!.activeElement).to.equal(input);
    input.value = ' lr = 0.1 ';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await el.updateComplete;
    // The field goes with Enter: focus is back on its row's "+", not lost to the page.
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(rowOf(el, 't2').querySelector('.tag-add'));
    rowOf(el, 't0').querySelector<HTMLButtonElement>('.tag-remove')!.click();
    expect(edits).to.deep.equal([
      { type: 'trial.patch', trialId: 't2', tags: { lr: '0.1' } },
      { type: 'trial.patch', trialId: 't0', tags: { candidate: null } },
    ]);
    expect(rowOf(el, 't2').querySelector('.tag-input')).to.equal(null);
  });

  it('closes the field on a real Enter, leaving focus on "+" without opening it again', async () => {
    const el = await tableOf({ editable: true });
    const edits: TrialEditEvent['edit'][] = [];
    el.addEventListener('trial-edit', (e) => edits.push(e.edit));
    rowOf(el, 't2').querySelector<HTMLButtonElement>('.tag-add')!.click();
    await el.updateComplete;
    await sendKeys({ type: 'probe' });
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    await el.updateComplete;
    expect(rowOf(el, 't2').querySelector('.tag-input') === null, 'the field closed').to.equal(true);
    expect(el.shadowRoot!.activeElement === rowOf(el, 't2').querySelector('.tag-add')).to.equal(true);
    expect(edits).to.deep.equal([{ type: 'trial.patch', trialId: 't2', tags: { probe: '' } }]);
  });

  it('keeps the controls disabled, with the reason, when not editable', async () => {
    const el = await tableOf({ readOnlyReason: 'Read-only: no writer here.' });
    const edits: TrialEditEvent[] = [];
    el.addEventListener('trial-edit', (e) => edits.push(e));
    const star = rowOf(el, 't2').querySelector<HTMLButtonElement>('.star')!;
    expect(star.getAttribute('aria-disabled')).to.equal('true');
    expect(star.title).to.equal('Read-only: no writer here.');
    star.click();
    rowOf(el, 't0').querySelector<HTMLButtonElement>('.tag-add')!.click();
    await el.updateComplete;
    expect(edits).to.have.length(0);
    expect(rowOf(el, 't0').querySelector('.tag-input')).to.equal(null);
  });

  it('shows the comment count and the latest comment as text', async () => {
    const el = await tableOf({});
    const cell = rowOf(el, 't1').querySelector('.comments-cell')!;
    expect(cell.querySelector('.comment-count')!.textContent).to.contain('2');
    expect(cell.querySelector('.text')!.textContent).to.equal(`bo: ${HOSTILE}`);
    expect(cell.querySelector('img')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('filters by star and by tag', async () => {
    const el = await tableOf({});
    el.filters = { starred: true };
    await el.updateComplete;
    expect(el.shownTrials.map((t) => t.id)).to.deep.equal(['t0']);
    el.filters = { tags: ['optimizer'] };
    await el.updateComplete;
    expect(el.shownTrials.map((t) => t.id)).to.deep.equal(['t1']);
    const chip = el.shadowRoot!.querySelector<HTMLButtonElement>('[data-starred]')!;
    el.filters = {};
    await el.updateComplete;
    chip.click();
    await el.updateComplete;
    expect(el.filters.starred).to.equal(true);
  });

  it('passes an axe-core check, editable and read-only', async () => {
    await expect(await tableOf({ editable: true })).to.be.accessible();
    await expect(await tableOf({ readOnlyReason: 'Read-only.' })).to.be.accessible();
  });
});

import { expect, fixture, html, nextFrame, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type PapaType from 'papaparse';
import { TrialStore } from '../../../src/client/store.js';
import { TrialSelectEvent } from '../../../src/components/events/trial-select-event.js';
import { TrialTable } from '../../../src/components/trial-table/trial-table.js';
import type { MetricBatch, Trial, TrialStatus } from '../../../src/protocol/events.js';
import { studySnapshot } from '../../fixtures/studies.js';

TrialTable.define();

/**
 * papaparse ships only a UMD file, which an ES module cannot import in the browser (no default
 * export, and `this` is undefined at a module's top level). Run it as CommonJS instead.
 */
async function loadPapa(): Promise<typeof PapaType> {
  const source = await (await fetch('/node_modules/papaparse/papaparse.js')).text();
  const module = { exports: {} as typeof PapaType };
  new Function('module', 'exports', source)(module, module.exports);
  return module.exports;
}

const HOSTILE = '<img src=x onerror="window.__pwned=1">';

function trial(
  number: number,
  status: TrialStatus,
  params: Trial['params'],
  flags: string[] = [],
  extra: Partial<Trial> = {},
): Trial {
  return {
    id: `t${number}`,
    studyId: 's1',
    number,
    status,
    params,
    tags: {},
    flags,
    startedAt: Date.UTC(2026, 0, 1, 10, number),
    endedAt: status === 'running' ? undefined : Date.UTC(2026, 0, 1, 10, number, 30),
    mlflow: { experimentId: '3', runId: `run${number}` },
    ...extra,
  };
}

function points(trialId: string, key: string, values: number[]): MetricBatch {
  return { trialId, key, steps: values.map((_, i) => i), values, timestamps: values.map(() => 1) };
}

/** Four trials chosen to make each behaviour visible: names that sort differently as text and as numbers, a missing metric, a formula. */
function smallStore(): TrialStore {
  const store = new TrialStore();
  store.applyTrusted({
    v: 1,
    seq: 0,
    type: 'snapshot',
    studies: [
      {
        id: 's1',
        name: `Study ${HOSTILE}`,
        status: 'running',
        objective: { metric: 'loss', direction: 'minimize' },
        createdAt: 0,
        tags: {},
      },
    ],
    trials: [
      trial(1, 'succeeded', { lr: 0.1, opt: 'adam', name: 'run-10', shift: -1.5 }, ['spectral_norm']),
      trial(2, 'failed', { lr: 0.01, opt: 'sgd', name: 'run-2', shift: 2 }, [], { notes: 'diverged early' }),
      trial(3, 'pruned', { lr: 0.001, opt: 'adam', name: 'run-1, "quoted"\nline', shift: 0 }, [
        'spectral_norm',
      ]),
      trial(4, 'running', { lr: 0.05, name: '=HYPERLINK("http://evil")', shift: 1 }, [HOSTILE]),
    ],
    metrics: [
      points('t1', 'loss', [0.9, 0.5, 0.6]),
      points('t2', 'loss', [0.8, 0.7]),
      points('t3', 'loss', [0.4, 0.2]),
      points('t1', 'accuracy', [0.5, 0.8]),
    ],
    sync: [],
  });
  store.flush();
  return store;
}

async function tableOf(store: TrialStore, study = 's1'): Promise<TrialTable> {
  const el = await fixture<TrialTable>(
    html`<trial-table
      style="--trialkit-table-height: 420px; width: 1960px"
      .store=${store}
      study=${study}
      mlflow-ui-url="http://127.0.0.1:5000/"
    ></trial-table>`,
  );
  await nextFrame();
  await el.updateComplete;
  return el;
}

const numbers = (el: TrialTable) => el.shownTrials.map((t) => t.number);
const rowsOf = (el: TrialTable) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.body [role="row"]')];
const rowOf = (el: TrialTable, id: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`.body [role="row"][data-id="${id}"]`)!;
const header = (el: TrialTable, label: string) =>
  [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="columnheader"]')].find(
    (h) => h.querySelector('.label')!.textContent === label,
  )!;
const click = (target: Element, init: MouseEventInit = {}) =>
  target.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, ...init }));

/** Presses `key` while holding `modifier`. */
async function chord(modifier: 'Shift' | 'Control', key: string): Promise<void> {
  await sendKeys({ down: modifier });
  await sendKeys({ press: key });
  await sendKeys({ up: modifier });
}

async function settle(el: TrialTable): Promise<void> {
  await el.updateComplete;
  await nextFrame();
  await el.updateComplete;
}

describe('<trial-table>', () => {
  describe('rendering', () => {
    it('shows every trial as a grid row, by number, with row and column counts', async () => {
      const el = await tableOf(smallStore());
      const grid = el.shadowRoot!.querySelector('[role="grid"]')!;
      expect(numbers(el)).to.deep.equal([1, 2, 3, 4]);
      expect(grid.getAttribute('aria-rowcount')).to.equal('5');
      expect(grid.getAttribute('aria-colcount')).to.equal(String(el.shownColumns.length));
      expect(rowsOf(el).map((r) => r.getAttribute('aria-rowindex'))).to.deep.equal(['2', '3', '4', '5']);
    });

    it('offers status, number, name, metrics (objective first), params, duration, started, flags, star, tags, comments and MLflow columns', async () => {
      const el = await tableOf(smallStore());
      expect(el.shownColumns.map((c) => c.id)).to.deep.equal([
        'status',
        'number',
        'name',
        'metric:loss',
        'metric:accuracy',
        'param:lr',
        'param:name',
        'param:opt',
        'param:shift',
        'duration',
        'started',
        'flags',
        'starred',
        'tags',
        'comments',
        'mlflow',
      ]);
    });

    it('shows the status as an icon and as text', async () => {
      const el = await tableOf(smallStore());
      const cell = rowOf(el, 't2').querySelector('[role="gridcell"]')!;
      expect(cell.querySelector('svg')!.getAttribute('aria-hidden')).to.equal('true');
      expect(cell.textContent!.trim()).to.equal('Failed');
    });

    it('shows the latest metric value by default and the best one on request', async () => {
      const el = await tableOf(smallStore());
      const lossOf = () => el.shownTrials.map((t) => el.store!.getSeries(t.id, 'loss')?.last);
      expect(lossOf()[0]).to.equal(0.6);
      expect(rowOf(el, 't1').querySelectorAll('[role="gridcell"]')[3].textContent!.trim()).to.equal('0.6');
      el.metricValue = 'best';
      await settle(el);
      expect(rowOf(el, 't1').querySelectorAll('[role="gridcell"]')[3].textContent!.trim()).to.equal('0.5');
    });

    it('renders hostile names, params and flags as text, never as HTML', async () => {
      const el = await tableOf(smallStore());
      expect(el.shadowRoot!.querySelector('img')).to.equal(null);
      expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
      expect(rowOf(el, 't4').textContent).to.contain(HOSTILE);
      expect(el.shadowRoot!.querySelector('[role="grid"]')!.getAttribute('aria-label')).to.equal(
        `Trials of Study ${HOSTILE}`,
      );
    });

    it('links each trial to its MLflow run, opened safely in a new tab', async () => {
      const el = await tableOf(smallStore());
      const link = rowOf(el, 't2').querySelector<HTMLAnchorElement>('a[part="mlflow-link"]')!;
      expect(link.getAttribute('href')).to.equal('http://127.0.0.1:5000/#/experiments/3/runs/run2');
      expect(link.target).to.equal('_blank');
      expect(link.rel).to.equal('noopener noreferrer');
    });

    it('passes an axe-core accessibility check', async () => {
      const el = await tableOf(smallStore());
      await expect(el).to.be.accessible();
    });
  });

  describe('sorting', () => {
    it('sorts text numerically aware: run-1, run-2, run-10', async () => {
      const el = await tableOf(smallStore());
      el.sort = [{ column: 'param:name', direction: 'asc' }];
      await settle(el);
      expect(el.shownTrials.map((t) => t.params.name)).to.deep.equal([
        '=HYPERLINK("http://evil")',
        'run-1, "quoted"\nline',
        'run-2',
        'run-10',
      ]);
    });

    it('sorts numbers as numbers in both directions', async () => {
      const el = await tableOf(smallStore());
      el.sort = [{ column: 'param:lr', direction: 'asc' }];
      await settle(el);
      expect(numbers(el)).to.deep.equal([3, 2, 4, 1]);
      el.sort = [{ column: 'param:lr', direction: 'desc' }];
      await settle(el);
      expect(numbers(el)).to.deep.equal([1, 4, 2, 3]);
    });

    it('puts missing values last whichever the direction', async () => {
      const el = await tableOf(smallStore());
      el.sort = [{ column: 'metric:loss', direction: 'asc' }];
      await settle(el);
      expect(numbers(el)).to.deep.equal([3, 1, 2, 4]);
      el.sort = [{ column: 'metric:loss', direction: 'desc' }];
      await settle(el);
      expect(numbers(el)).to.deep.equal([2, 1, 3, 4]);
    });

    it('sorts and filters by a metric or param that appears live, as it would from the start', async () => {
      const store = smallStore();
      const el = await tableOf(store);
      // A shared view names columns no trial has yet: a metric not logged, a param only some trials take.
      el.sort = [{ column: 'metric:val_loss', direction: 'asc' }];
      el.filters = { metrics: [{ key: 'val_loss', max: 0.4 }] };
      await settle(el);
      expect(numbers(el)).to.deep.equal([]);
      const append = (id: string, value: number) => {
        store.applyTrusted({
          v: 1,
          seq: 0,
          type: 'metrics.append',
          batches: [points(id, 'val_loss', [value])],
        });
        store.flush();
      };
      append('t4', 0.3);
      await settle(el);
      append('t2', 0.1);
      await settle(el);
      append('t1', 0.9);
      await settle(el);
      expect(numbers(el)).to.deep.equal([2, 4]);
      el.filters = {};
      await settle(el);
      expect(numbers(el)).to.deep.equal([2, 4, 1, 3]);
      el.sort = [{ column: 'param:momentum', direction: 'desc' }];
      await settle(el);
      for (const [n, momentum] of [
        [3, 0.5],
        [1, 0.9],
      ] as const) {
        const t = store.getTrial(`t${n}`)!;
        store.applyTrusted({
          v: 1,
          seq: 0,
          type: 'trial.upsert',
          trial: { ...t, params: { ...t.params, momentum } },
        });
        store.flush();
        await settle(el);
      }
      expect(numbers(el).slice(0, 2)).to.deep.equal([1, 3]);
    });

    it('sorts by a header click, flips on a second click, and adds columns with shift-click', async () => {
      const el = await tableOf(smallStore());
      click(header(el, 'opt'));
      await settle(el);
      expect(el.sort).to.deep.equal([{ column: 'param:opt', direction: 'asc' }]);
      expect(header(el, 'opt').getAttribute('aria-sort')).to.equal('ascending');
      click(header(el, 'lr'), { shiftKey: true });
      await settle(el);
      expect(el.sort).to.deep.equal([
        { column: 'param:opt', direction: 'asc' },
        { column: 'param:lr', direction: 'asc' },
      ]);
      // adam (lr 0.001, 0.1), sgd, then the trial without an optimizer.
      expect(numbers(el)).to.deep.equal([3, 1, 2, 4]);
      click(header(el, 'lr'), { shiftKey: true });
      await settle(el);
      expect(numbers(el)).to.deep.equal([1, 3, 2, 4]);
      click(header(el, 'opt'));
      await settle(el);
      expect(el.sort).to.deep.equal([{ column: 'param:opt', direction: 'desc' }]);
    });

    it('sorts statuses in lifecycle order', async () => {
      const el = await tableOf(smallStore());
      el.sort = [{ column: 'status', direction: 'asc' }];
      await settle(el);
      expect(el.shownTrials.map((t) => t.status)).to.deep.equal(['running', 'succeeded', 'pruned', 'failed']);
    });
  });

  describe('filtering', () => {
    it('filters by status, from the property and from the chips', async () => {
      const el = await tableOf(smallStore());
      el.filters = { status: ['failed', 'pruned'] };
      await settle(el);
      expect(numbers(el)).to.deep.equal([2, 3]);
      el.filters = {};
      await settle(el);
      click(el.shadowRoot!.querySelector('button[data-status="running"]')!);
      await settle(el);
      expect(numbers(el)).to.deep.equal([4]);
      expect(el.shadowRoot!.querySelector('[part="count"]')!.textContent).to.equal('1 of 4 trials');
    });

    it('filters by flag', async () => {
      const el = await tableOf(smallStore());
      click(el.shadowRoot!.querySelector('button[data-flag="spectral_norm"]')!);
      await settle(el);
      expect(numbers(el)).to.deep.equal([1, 3]);
    });

    it('filters by a metric range, leaving out trials without the metric', async () => {
      const el = await tableOf(smallStore());
      el.filters = { metrics: [{ key: 'loss', max: 0.65 }] };
      await settle(el);
      expect(numbers(el)).to.deep.equal([1, 3]);
    });

    it('filters by param values and by a param range', async () => {
      const el = await tableOf(smallStore());
      el.filters = { params: [{ name: 'opt', values: ['adam'] }] };
      await settle(el);
      expect(numbers(el)).to.deep.equal([1, 3]);
      el.filters = { params: [{ name: 'lr', min: 0.005, max: 0.06 }] };
      await settle(el);
      expect(numbers(el)).to.deep.equal([2, 4]);
    });

    it('searches text in params, flags and notes from the search field', async () => {
      const el = await tableOf(smallStore());
      const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[type="search"]')!;
      input.value = 'DIVERGED';
      input.dispatchEvent(new InputEvent('input'));
      await settle(el);
      expect(numbers(el)).to.deep.equal([2]);
      el.filters = { text: 'spectral adam' };
      await settle(el);
      expect(numbers(el)).to.deep.equal([1, 3]);
    });

    it('adds a metric range and a param value from the filter form, and removes them from their chips', async () => {
      const el = await tableOf(smallStore());
      const menu = el.shadowRoot!.querySelector<HTMLDetailsElement>('[part="filter-menu"]')!;
      // The form loads the first time its menu opens; until then the menu says so.
      expect(menu.querySelector('form')).to.equal(null);
      expect(menu.querySelector('[role="status"]')!.textContent).to.equal('Loading the filter form…');
      menu.querySelector('summary')!.click();
      await waitUntil(() => menu.querySelector('form'), 'the filter form loads');
      const form = menu.querySelector<HTMLFormElement>('form')!;
      const fill = (column: string, fields: Record<string, string>) => {
        form.querySelector<HTMLSelectElement>('select[name="column"]')!.value = column;
        for (const [name, value] of Object.entries(fields))
          form.querySelector<HTMLInputElement>(`input[name="${name}"]`)!.value = value;
        form.requestSubmit();
      };
      fill('metric:loss', { max: '0.65' });
      await settle(el);
      expect(el.filters.metrics).to.deep.equal([{ key: 'loss', min: undefined, max: 0.65 }]);
      // The menu closes with its form; focus is on its toggle, not lost to the page.
      expect(menu.open).to.equal(false);
      expect(el.shadowRoot!.activeElement).to.equal(menu.querySelector('summary'));
      fill('param:opt', { values: 'adam, sgd' });
      await settle(el);
      expect(numbers(el)).to.deep.equal([1, 3]);
      const chips = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.active-filter')];
      expect(chips.map((c) => c.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([
        'loss ≤ 0.65 ✕',
        'opt = adam | sgd ✕',
      ]);
      chips[0].focus();
      chips[0].click();
      await settle(el);
      expect(numbers(el)).to.deep.equal([1, 2, 3]);
      // The chip is gone: focus is on the search box, not lost to the page.
      expect(el.shadowRoot!.activeElement).to.equal(el.shadowRoot!.querySelector('[part="search"]'));
    });

    it('says so when no trial matches', async () => {
      const el = await tableOf(smallStore());
      el.filters = { text: 'nothing like this' };
      await settle(el);
      const empty = el.shadowRoot!.querySelector<HTMLElement>('[part="empty"]')!;
      expect(empty.hidden).to.equal(false);
      expect(empty.textContent!.trim()).to.equal('No trial matches the filters.');
    });
  });

  it('takes its theme as a property, as the other components do', async () => {
    const el = await tableOf(smallStore());
    const light = getComputedStyle(el).backgroundColor;
    el.theme = 'dark';
    await settle(el);
    expect(el.getAttribute('theme')).to.equal('dark');
    expect(getComputedStyle(el).backgroundColor).to.not.equal(light);
  });

  describe('column chooser', () => {
    it('hides and shows columns', async () => {
      const el = await tableOf(smallStore());
      const box = el.shadowRoot!.querySelector<HTMLInputElement>('input[data-column="param:opt"]')!;
      box.click();
      await settle(el);
      expect(el.columns).to.not.include('param:opt');
      expect(header(el, 'opt')).to.equal(undefined);
      el.shadowRoot!.querySelector<HTMLInputElement>('input[data-column="id"]')!.click();
      await settle(el);
      expect(el.shownColumns.map((c) => c.id)).to.include('id');
      expect(rowOf(el, 't1').textContent).to.contain('t1');
    });

    it('keeps a tab stop in the grid when the column holding it is hidden', async () => {
      const el = await tableOf(smallStore());
      rowOf(el, 't1').querySelector<HTMLElement>('[role="gridcell"][tabindex="0"]')!.focus();
      await sendKeys({ press: 'End' });
      await settle(el);
      el.shadowRoot!.querySelector<HTMLInputElement>('input[data-column="param:opt"]')!.click();
      await settle(el);
      // The last column's cell, or the link it holds, is the tab stop.
      expect(el.shadowRoot!.querySelectorAll('.body [tabindex="0"]').length).to.equal(1);
    });

    it('closes on Escape, back on its toggle, and when focus moves on to the grid', async () => {
      const el = await tableOf(smallStore());
      const menu = el.shadowRoot!.querySelector<HTMLDetailsElement>('[part="column-chooser"]')!;
      menu.querySelector('summary')!.click();
      await settle(el);
      menu.querySelector<HTMLInputElement>('input')!.focus();
      await sendKeys({ press: 'Escape' });
      expect(menu.open).to.equal(false);
      expect(el.shadowRoot!.activeElement).to.equal(menu.querySelector('summary'));
      menu.querySelector('summary')!.click();
      await settle(el);
      menu.querySelector<HTMLInputElement>('input')!.focus();
      rowOf(el, 't1').querySelector<HTMLElement>('[tabindex="0"]')!.focus();
      expect(menu.open).to.equal(false);
    });

    it('opens inside the table, which clips it, wherever the toolbar put its toggle', async () => {
      for (const width of [420, 1960]) {
        const el = await tableOf(smallStore());
        el.style.width = `${width}px`;
        await settle(el);
        const menu = el.shadowRoot!.querySelector<HTMLDetailsElement>('[part="column-chooser"]')!;
        menu.querySelector('summary')!.click();
        await waitUntil(() => menu.querySelector<HTMLElement>('.menu')!.style.maxHeight !== '');
        const table = el.getBoundingClientRect();
        const box = menu.querySelector('.menu')!.getBoundingClientRect();
        expect(box.left, `left at ${width} px`).to.be.at.least(table.left);
        expect(box.right, `right at ${width} px`).to.be.at.most(table.right);
        expect(box.bottom, `bottom at ${width} px`).to.be.at.most(table.bottom);
      }
    });
  });

  describe('selection', () => {
    it('selects a row on click and raises trial-select', async () => {
      const el = await tableOf(smallStore());
      let event: TrialSelectEvent | undefined;
      el.addEventListener('trial-select', (e) => {
        event = e;
      });
      click(rowOf(el, 't2').querySelector('[role="gridcell"]')!);
      await settle(el);
      expect(event).to.be.instanceOf(TrialSelectEvent);
      expect(event!.trialIds).to.deep.equal(['t2']);
      expect(event!.trial!.id).to.equal('t2');
      expect(el.selected).to.deep.equal(['t2']);
      expect(rowOf(el, 't2').getAttribute('aria-selected')).to.equal('true');
      expect(rowOf(el, 't1').getAttribute('aria-selected')).to.equal('false');
    });

    it('selects a range with shift-click and toggles with ctrl-click', async () => {
      const el = await tableOf(smallStore());
      click(rowOf(el, 't1').querySelector('[role="gridcell"]')!);
      click(rowOf(el, 't3').querySelector('[role="gridcell"]')!, { shiftKey: true });
      expect(el.selected).to.deep.equal(['t1', 't2', 't3']);
      click(rowOf(el, 't2').querySelector('[role="gridcell"]')!, { ctrlKey: true });
      expect(el.selected).to.deep.equal(['t1', 't3']);
      click(rowOf(el, 't4').querySelector('[role="gridcell"]')!, { metaKey: true });
      expect(el.selected).to.deep.equal(['t1', 't3', 't4']);
    });

    it('selects with Enter, toggles with Space and extends with shift-arrows', async () => {
      const el = await tableOf(smallStore());
      rowOf(el, 't1').querySelector<HTMLElement>('[role="gridcell"][tabindex="0"]')!.focus();
      const events: string[][] = [];
      el.addEventListener('trial-select', (e) => events.push([...e.trialIds]));
      await sendKeys({ press: 'Enter' });
      await sendKeys({ press: 'ArrowDown' });
      await sendKeys({ press: 'Space' });
      await settle(el);
      expect(el.selected).to.deep.equal(['t1', 't2']);
      await chord('Shift', 'ArrowDown');
      await settle(el);
      expect(el.selected).to.deep.equal(['t2', 't3']);
      expect(events).to.deep.equal([['t1'], ['t1', 't2'], ['t2', 't3']]);
    });

    it('extends a first shift-arrow selection from the row it leaves', async () => {
      const el = await tableOf(smallStore());
      rowOf(el, 't1').querySelector<HTMLElement>('[role="gridcell"][tabindex="0"]')!.focus();
      await chord('Shift', 'ArrowDown');
      await settle(el);
      expect(el.selected).to.deep.equal(['t1', 't2']);
    });

    it('keeps the focus on a cell whose trial a live value moves elsewhere in the sort', async () => {
      const store = smallStore();
      const el = await tableOf(store);
      el.sort = [{ column: 'metric:loss', direction: 'asc' }];
      await settle(el);
      const cell = rowOf(el, 't3').querySelector<HTMLElement>('[role="gridcell"][tabindex="0"]')!;
      cell.focus();
      // Trial 3 was the best; a live point makes it the worst (its row moves to the end).
      store.applyTrusted({
        v: 1,
        seq: 0,
        type: 'metrics.append',
        batches: [{ ...points('t3', 'loss', [5]), steps: [9] }],
      });
      store.flush();
      await settle(el);
      expect(numbers(el)).to.deep.equal([1, 2, 3, 4]);
      const focused = el.shadowRoot!.activeElement as HTMLElement | null;
      expect(focused?.closest('[role="row"]')?.getAttribute('data-id')).to.equal('t3');
      await sendKeys({ press: 'ArrowDown' });
      await settle(el);
      expect(
        (el.shadowRoot!.activeElement as HTMLElement).closest('[role="row"]')!.getAttribute('data-id'),
      ).to.equal('t4');
    });

    it('keeps selected trials marked after a sort', async () => {
      const el = await tableOf(smallStore());
      el.selected = ['t3'];
      el.sort = [{ column: 'param:lr', direction: 'asc' }];
      await settle(el);
      expect(rowsOf(el).find((r) => r.getAttribute('aria-rowindex') === '2')!.dataset.id).to.equal('t3');
      expect(rowOf(el, 't3').getAttribute('aria-selected')).to.equal('true');
    });
  });

  describe('keyboard navigation', () => {
    const focused = (el: TrialTable) => {
      const cell = el.shadowRoot!.activeElement as HTMLElement;
      const row = cell.closest('[role="row"]')!;
      return `${row.getAttribute('aria-rowindex')}:${cell.getAttribute('aria-colindex')}`;
    };

    it('has one tab stop and moves it with arrows, Home and End', async () => {
      const el = await tableOf(smallStore());
      expect(el.shadowRoot!.querySelectorAll('.grid [tabindex="0"]').length).to.equal(1);
      rowOf(el, 't1').querySelector<HTMLElement>('[tabindex="0"]')!.focus();
      expect(focused(el)).to.equal('2:1');
      await sendKeys({ press: 'ArrowDown' });
      await settle(el);
      expect(focused(el)).to.equal('3:1');
      await sendKeys({ press: 'ArrowRight' });
      await settle(el);
      expect(focused(el)).to.equal('3:2');
      await sendKeys({ press: 'End' });
      await settle(el);
      // The last column holds the MLflow link: focus goes to the link, in its cell.
      expect((el.shadowRoot!.activeElement as HTMLElement).localName).to.equal('a');
      await sendKeys({ press: 'Home' });
      await settle(el);
      expect(focused(el)).to.equal('3:1');
      await sendKeys({ press: 'ArrowUp' });
      await sendKeys({ press: 'ArrowUp' });
      await settle(el);
      expect(focused(el)).to.equal('1:1');
      expect(el.shadowRoot!.querySelectorAll('.grid [tabindex="0"]').length).to.equal(1);
    });

    it("scrolls a focused cell that the grid's right edge cuts wholly into view", async () => {
      const el = await tableOf(smallStore());
      el.style.width = '600px';
      await settle(el);
      const grid = el.shadowRoot!.querySelector<HTMLElement>('.grid')!;
      const edge = grid.getBoundingClientRect();
      // The first column that the edge cuts: focus() alone leaves such a cell where it is.
      const cells = [...rowOf(el, 't1').querySelectorAll<HTMLElement>('[role="gridcell"]')];
      const cut = cells.findIndex((c) => {
        const box = c.getBoundingClientRect();
        return box.left < edge.right - 8 && box.right > edge.right + 8;
      });
      expect(cut).to.be.greaterThan(0);
      cells[0].focus();
      for (let k = 0; k < cut; k++) await sendKeys({ press: 'ArrowRight' });
      await settle(el);
      const cell = el.shadowRoot!.activeElement!.getBoundingClientRect();
      expect(grid.scrollLeft).to.be.greaterThan(0);
      expect(cell.right).to.be.at.most(edge.right + 0.5);
    });

    it('sorts from the header with Enter', async () => {
      const el = await tableOf(smallStore());
      rowOf(el, 't1').querySelector<HTMLElement>('[tabindex="0"]')!.focus();
      await sendKeys({ press: 'ArrowUp' });
      await sendKeys({ press: 'ArrowRight' });
      await sendKeys({ press: 'Enter' });
      await settle(el);
      expect(el.sort).to.deep.equal([{ column: 'number', direction: 'asc' }]);
      await sendKeys({ press: 'Enter' });
      await settle(el);
      expect(numbers(el)).to.deep.equal([4, 3, 2, 1]);
    });

    it('pages through 1,000 rows with PageDown, Ctrl+End and Ctrl+Home, keeping focus on a rendered row', async () => {
      const store = new TrialStore();
      store.applyTrusted(studySnapshot({ trials: 1000, points: 2, studyId: 's1' }));
      store.flush();
      const el = await tableOf(store);
      rowsOf(el)[0].querySelector<HTMLElement>('[tabindex="0"]')!.focus();
      await sendKeys({ press: 'PageDown' });
      await settle(el);
      const afterPage = Number(
        (el.shadowRoot!.activeElement as HTMLElement).closest('[role="row"]')!.getAttribute('aria-rowindex'),
      );
      expect(afterPage).to.be.greaterThan(5);
      await chord('Control', 'End');
      await settle(el);
      expect(focused(el).split(':')[0]).to.equal('1001');
      await chord('Control', 'Home');
      await settle(el);
      expect(focused(el)).to.equal('2:1');
    });
  });

  describe('trial links', () => {
    const linkButton = (el: TrialTable, id: string) =>
      rowOf(el, id).querySelector<HTMLButtonElement>('[part="trial-link"]');

    it('shows no link buttons unless asked to', async () => {
      const el = await tableOf(smallStore());
      expect(linkButton(el, 't1')).to.equal(null);
      el.trialLinks = true;
      await settle(el);
      expect(linkButton(el, 't1')!.textContent).to.contain('Copy a link to trial #1');
      expect(rowOf(el, 't1').querySelector('[data-col="1"]')!.textContent).to.contain('1');
    });

    it("asks for a link to the row's trial on a click, without selecting the row", async () => {
      const el = await tableOf(smallStore());
      el.trialLinks = true;
      await settle(el);
      const requested: string[] = [];
      el.addEventListener('trial-link-request', (e) => requested.push(e.trial.id));
      let selections = 0;
      el.addEventListener('trial-select', () => selections++);
      linkButton(el, 't2')!.click();
      expect(requested).to.deep.equal(['t2']);
      expect(selections).to.equal(0);
      expect(el.selected).to.deep.equal([]);
    });

    it("makes the button the cell's tab stop, pressed with Enter or Space, left with the arrows", async () => {
      const el = await tableOf(smallStore());
      el.trialLinks = true;
      await settle(el);
      const requested: string[] = [];
      el.addEventListener('trial-link-request', (e) => requested.push(e.trial.id));
      rowOf(el, 't1').querySelector<HTMLElement>('[tabindex="0"]')!.focus();
      await sendKeys({ press: 'ArrowRight' });
      await settle(el);
      expect(el.shadowRoot!.activeElement).to.equal(linkButton(el, 't1'));
      expect(el.shadowRoot!.querySelectorAll('.grid [tabindex="0"]').length).to.equal(1);
      await sendKeys({ press: 'Enter' });
      await sendKeys({ press: 'ArrowDown' });
      await settle(el);
      expect(el.shadowRoot!.activeElement).to.equal(linkButton(el, 't2'));
      await sendKeys({ press: 'Space' });
      expect(requested).to.deep.equal(['t1', 't2']);
      expect(el.selected).to.deep.equal([]);
    });
  });

  describe('CSV export', () => {
    it('exports shown rows and columns, reads back with papaparse, with quoting, injection escaping and raw numbers', async () => {
      const el = await tableOf(smallStore());
      el.columns = ['number', 'param:name', 'param:shift', 'metric:loss', 'status', 'flags', 'mlflow'];
      el.sort = [{ column: 'param:shift', direction: 'asc' }];
      el.filters = { status: ['succeeded', 'pruned', 'running'] };
      await settle(el);
      const csv = el.toCsv();
      expect(csv.endsWith('\r\n')).to.equal(true);
      const Papa = await loadPapa();
      const parsed = Papa.parse<string[]>(csv.trimEnd(), { newline: '\r\n' });
      expect(parsed.errors).to.deep.equal([]);
      expect(parsed.data).to.deep.equal([
        ['number', 'name', 'shift', 'loss', 'status', 'flags', 'mlflow_url'],
        [
          '1',
          'run-10',
          '-1.5',
          '0.6',
          'succeeded',
          'spectral_norm',
          'http://127.0.0.1:5000/#/experiments/3/runs/run1',
        ],
        [
          '3',
          'run-1, "quoted"\nline',
          '0',
          '0.2',
          'pruned',
          'spectral_norm',
          'http://127.0.0.1:5000/#/experiments/3/runs/run3',
        ],
        [
          '4',
          `'=HYPERLINK("http://evil")`,
          '1',
          '',
          'running',
          HOSTILE,
          'http://127.0.0.1:5000/#/experiments/3/runs/run4',
        ],
      ]);
    });

    it('escapes every formula-starting character in text, never in numbers', async () => {
      const { csvField } = await import('../../../src/components/trial-table/csv.js');
      for (const start of ['=', '+', '-', '@', '\t', '\r'])
        expect(csvField(`${start}1+1`).replace(/^"/, '')).to.match(/^'/);
      expect(csvField(-2)).to.equal('-2');
      expect(csvField('a "b"')).to.equal('"a ""b"""');
    });

    it('downloads the CSV from the export button', async () => {
      const el = await tableOf(smallStore());
      let download: string | undefined;
      const original = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        download = this.download;
      };
      try {
        click(el.shadowRoot!.querySelector('[part="export-button"]')!);
      } finally {
        HTMLAnchorElement.prototype.click = original;
      }
      expect(download).to.match(/^Study_.*\.csv$/);
    });
  });

  describe('live updates', () => {
    /**
     * Rows the DOM saw change while `act` ran: `content` when anything inside the row changed (its
     * cells re-rendered), `moved` when only the row element's own attributes did (a new position).
     */
    async function rowsTouched(el: TrialTable, act: () => void) {
      const content = new Set<string>();
      const moved = new Set<string>();
      const observer = new MutationObserver((records) => {
        for (const record of records) {
          const node = record.target instanceof Element ? record.target : record.target.parentElement;
          const row = node?.closest<HTMLElement>('.body [role="row"]');
          if (!row) continue;
          (row === node && record.type === 'attributes' ? moved : content).add(row.dataset.id!);
        }
      });
      observer.observe(el.shadowRoot!, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      });
      act();
      el.store!.flush();
      await settle(el);
      observer.disconnect();
      return { content, moved };
    }

    it('re-renders only the row of a trial that changed', async () => {
      const el = await tableOf(smallStore());
      const store = el.store!;
      const touched = await rowsTouched(el, () =>
        store.applyTrusted({
          v: 1,
          seq: 1,
          type: 'trial.upsert',
          trial: { ...store.getTrial('t2')!, params: { ...store.getTrial('t2')!.params, opt: 'lion' } },
        }),
      );
      expect([...touched.content]).to.deep.equal(['t2']);
      expect([...touched.moved]).to.deep.equal([]);
      expect(rowOf(el, 't2').textContent).to.contain('lion');
    });

    it('re-renders only the row whose metric gained points, and moves it in a sorted view', async () => {
      const el = await tableOf(smallStore());
      el.sort = [{ column: 'metric:loss', direction: 'asc' }];
      await settle(el);
      const touched = await rowsTouched(el, () => el.store!.appendPoints('t2', 'loss', [2], [0.1], [1]));
      expect(numbers(el)).to.deep.equal([2, 3, 1, 4]);
      expect(rowOf(el, 't2').getAttribute('aria-rowindex')).to.equal('2');
      // Rows that only moved keep their cells; the changed row alone re-renders its content.
      expect([...touched.content]).to.deep.equal(['t2']);
      expect([...touched.moved].sort()).to.deep.equal(['t1', 't2', 't3']);
    });

    it('adds a new trial and a new param column live', async () => {
      const el = await tableOf(smallStore());
      el.store!.applyTrusted({
        v: 1,
        seq: 1,
        type: 'trial.upsert',
        trial: trial(5, 'pending', { momentum: 0.9 }),
      });
      el.store!.flush();
      await settle(el);
      expect(numbers(el)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(el.shownColumns.map((c) => c.id)).to.include('param:momentum');
    });
  });

  describe('at 100,000 trials', () => {
    it('keeps a few dozen rows in the DOM and reaches the last row by scrolling', async function () {
      this.timeout(120_000);
      const store = new TrialStore();
      store.applyTrusted(studySnapshot({ trials: 100_000, params: 20, points: 2, studyId: 's1' }));
      store.flush();
      const el = await tableOf(store);
      const grid = el.shadowRoot!.querySelector<HTMLElement>('[role="grid"]')!;
      expect(grid.getAttribute('aria-rowcount')).to.equal('100001');
      expect(rowsOf(el).length).to.be.lessThan(60);
      grid.scrollTop = grid.scrollHeight;
      await new Promise((r) => setTimeout(r, 50));
      await settle(el);
      const indices = rowsOf(el).map((r) => Number(r.getAttribute('aria-rowindex')));
      expect(Math.max(...indices)).to.equal(100_001);
      expect(rowsOf(el).length).to.be.lessThan(60);
      // 35 columns do not fit in 1960 px: only cells in view have content, and scrolling right brings the rest.
      const colIndices = () =>
        [...rowsOf(el)[0].querySelectorAll('[role="gridcell"]')]
          .filter((c) => c.childElementCount || c.textContent!.trim())
          .map((c) => Number(c.getAttribute('aria-colindex')));
      expect(el.shownColumns.length).to.equal(35);
      expect(colIndices().length).to.be.lessThan(25);
      grid.scrollLeft = grid.scrollWidth;
      await new Promise((r) => setTimeout(r, 50));
      await settle(el);
      // The last params (filled in every trial) now have content; the first columns do not.
      expect(Math.max(...colIndices())).to.be.greaterThan(26);
      expect(Math.min(...colIndices())).to.be.greaterThan(1);
      // Timing is the benchmark's business (npm run bench:table); a shared CPU makes it flaky here.
      el.sort = [{ column: 'metric:val_loss', direction: 'asc' }];
      el.filters = { params: [{ name: 'dropout', min: 0.1, max: 0.3 }] };
      await el.updateComplete;
      expect(el.rowCount).to.be.greaterThan(20_000).and.lessThan(60_000);
      const losses = el.shownTrials.slice(0, 1000).map((t) => store.getSeries(t.id, 'val_loss')!.last!);
      expect(losses.every((v, i) => i === 0 || losses[i - 1] <= v)).to.equal(true);
    });
  });
});

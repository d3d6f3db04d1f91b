// `<trial-dashboard url-state>`: the view in the address bar, reloads, back and forward, stale links,
// and the `view` / `view-change` pair a host router uses instead.
import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { TrialStore } from '../../../src/client/store.js';
import { StudySelectEvent, TrialSelectEvent, ViewChangeEvent } from '../../../src/components/events/index.js';
import type { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import { TrialDashboard } from '../../../src/components/trial-dashboard/trial-dashboard.js';
import { fromQuery, toQuery } from '../../../src/components/trial-dashboard/view-state.js';
import type { TrialTable } from '../../../src/components/trial-table/trial-table.js';
import { generateSnapshot } from '../../fixtures/studies.js';

TrialDashboard.define();

/** Three studies (`study-1`…`study-3`, the last the newest) of a few short curves. */
function loadedStore(): TrialStore {
  const store = new TrialStore();
  store.applyTrusted(generateSnapshot({ seed: 5, studies: 3, trials: 8, steps: 20 }));
  store.flush();
  return store;
}

async function mount(props: Partial<TrialDashboard>): Promise<TrialDashboard> {
  const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 1200px"></div>`);
  const el = document.createElement('trial-dashboard');
  Object.assign(el, props);
  wrapper.append(el);
  await el.updateComplete;
  return el;
}

const $ = <T extends Element = HTMLElement>(el: TrialDashboard, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector);
const charts = (el: TrialDashboard) => [
  ...el.shadowRoot!.querySelectorAll<MetricsChart>('trial-metrics-chart'),
];
const shownStudy = (el: TrialDashboard) => $(el, '[part="header"] h2')?.textContent;
/** The view the address bar holds now. */
const addressView = () => fromQuery(location.search);

/** What the run list raises when the user picks a study. */
async function chooseStudy(el: TrialDashboard, store: TrialStore, id: string): Promise<void> {
  $(el, 'trial-run-list')!.dispatchEvent(new StudySelectEvent(id, store.getStudy(id)));
  await el.updateComplete;
}

/** What the trial table raises when the user selects rows. */
async function selectTrials(el: TrialDashboard, store: TrialStore, ids: string[]): Promise<void> {
  $(el, 'trial-table')!.dispatchEvent(new TrialSelectEvent(ids, store.getTrial(ids.at(-1)!)));
  await el.updateComplete;
}

/** The clipboard's text, pasted as a user would (reading it from script needs a permission tests lack). */
async function pasted(): Promise<string> {
  const field = document.createElement('textarea');
  document.body.append(field);
  field.focus();
  await sendKeys({ down: 'Control' });
  await sendKeys({ press: 'KeyV' });
  await sendKeys({ up: 'Control' });
  field.remove();
  return field.value;
}

/** Waits until every chart shows `x` as its x domain. */
async function chartsZoomedTo(el: TrialDashboard, x: readonly [number, number]): Promise<void> {
  await waitUntil(
    () =>
      charts(el).length > 0 && charts(el).every((c) => c.domains?.x[0] === x[0] && c.domains?.x[1] === x[1]),
    `charts zoomed to ${x}`,
  );
}

describe('trial-dashboard url-state', () => {
  let home: string;
  beforeEach(() => {
    home = location.href;
  });
  afterEach(() => {
    for (const el of document.querySelectorAll('trial-dashboard')) el.remove();
    history.replaceState(null, '', home);
  });

  it('leaves the address bar alone without the attribute', async () => {
    const store = loadedStore();
    const el = await mount({ store });
    await chooseStudy(el, store, 'study-1');
    await aTimeout(400);
    expect(location.href).to.equal(home);
    history.pushState(null, '', '?study=study-2');
    history.pushState(null, '', '?study=study-3');
    history.back();
    await aTimeout(100);
    expect(el.view.study, "back and forward are the host's").to.equal('study-1');
  });

  it('restores study, selection and zoom on reload; back and forward step through studies', async () => {
    const store = loadedStore();
    const el = await mount({ store, urlState: true });
    await chooseStudy(el, store, 'study-1');
    expect(addressView().study).to.equal('study-1');
    // A marker on the current entry: a pushed entry has none (history.length stops at 50 in Chromium).
    history.replaceState({ entry: 'study-1' }, '');
    await chooseStudy(el, store, 'study-2');
    expect(addressView().study).to.equal('study-2');
    expect(history.state, 'a study change pushes').to.equal(null);
    history.replaceState({ entry: 'study-2' }, '');

    await selectTrials(el, store, ['study-2-t1', 'study-2-t3']);
    await waitUntil(() => charts(el).every((c) => c.domains), 'charts painted');
    charts(el)[0].zoomToX([5, 12]);
    await chartsZoomedTo(el, [5, 12]);
    await waitUntil(() => addressView().zoom?.[0] === 5, 'zoom written to the address bar');
    expect(history.state, 'selection and zoom replace, not push').to.deep.equal({ entry: 'study-2' });
    expect(addressView()).to.include({ study: 'study-2' });
    expect(addressView().selected).to.deep.equal(['study-2-t1', 'study-2-t3']);
    expect(location.search.length).to.be.below(120);

    // Reload: a new element reads the address bar.
    el.remove();
    const again = await mount({ store, urlState: true });
    expect(shownStudy(again)).to.equal(store.getStudy('study-2')!.name);
    expect(again.selected).to.deep.equal(['study-2-t1', 'study-2-t3']);
    await chartsZoomedTo(again, [5, 12]);

    history.back();
    await waitUntil(() => again.view.study === 'study-1', 'back to the previous study');
    await again.updateComplete;
    expect(shownStudy(again)).to.equal(store.getStudy('study-1')!.name);
    expect(again.selected).to.deep.equal([]);

    history.forward();
    await waitUntil(() => again.view.study === 'study-2', 'forward again');
    expect(again.selected).to.deep.equal(['study-2-t1', 'study-2-t3']);
    await chartsZoomedTo(again, [5, 12]);
  });

  it("keeps the table's sort and filters in the address bar and restores them", async () => {
    const store = loadedStore();
    const el = await mount({ store, urlState: true });
    const table = $<TrialTable>(el, 'trial-table')!;
    await table.updateComplete;
    const header = [...table.shadowRoot!.querySelectorAll<HTMLElement>('[role="columnheader"]')].find(
      (cell) => cell.textContent?.trim() === 'val_loss',
    )!;
    header.click();
    header.click();
    await waitUntil(() => location.search.includes('sort='), 'sort written to the address bar');
    expect(addressView().sort).to.deep.equal([{ column: 'metric:val_loss', direction: 'desc' }]);

    el.remove();
    const again = await mount({ store, urlState: true });
    expect($<TrialTable>(again, 'trial-table')!.sort).to.deep.equal([
      { column: 'metric:val_loss', direction: 'desc' },
    ]);
  });

  it('keeps a filter applied from the table\'s "Add filter" form, in the address bar too', async () => {
    const store = loadedStore();
    const el = await mount({ store, urlState: true });
    const table = $<TrialTable>(el, 'trial-table')!;
    await table.updateComplete;
    const menu = table.shadowRoot!.querySelector<HTMLDetailsElement>('[part="filter-menu"]')!;
    menu.querySelector('summary')!.click();
    await waitUntil(() => menu.querySelector('form'), 'the filter form loads');
    const form = menu.querySelector<HTMLFormElement>('form')!;
    form.querySelector<HTMLSelectElement>('select[name="column"]')!.value = 'metric:val_loss';
    form.querySelector<HTMLInputElement>('input[name="max"]')!.value = '1.5';
    // A real click: the dashboard hears it before the form submits (a script's click() would not show that).
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    button.scrollIntoView({ block: 'center' });
    const apply = button.getBoundingClientRect();
    await sendMouse({
      type: 'click',
      position: [Math.round(apply.x + 4), Math.round(apply.y + apply.height / 2)],
    });
    await waitUntil(() => location.search.includes('mr='), 'the filter written to the address bar');
    expect(addressView().filters?.metrics).to.deep.equal([{ key: 'val_loss', max: 1.5 }]);
    const wanted = [{ key: 'val_loss', min: undefined, max: 1.5 }];
    // Another control re-renders the dashboard: the table keeps the filter.
    el.smoothing = 0.5;
    await el.updateComplete;
    await table.updateComplete;
    expect(table.filters.metrics).to.deep.equal(wanted);
  });

  it("drops the table's filters and sort and the chosen grouping when the user picks another study, not when a view brings them", async () => {
    const store = loadedStore();
    history.replaceState(null, '', '?v=1&study=study-1&g=lr&sort=-metric:val_loss&mr=val_loss:..1.5&q=t1');
    const el = await mount({ store, urlState: true });
    const table = () => $<TrialTable>(el, 'trial-table')!;
    expect(el.groupBy, 'a link brings them with its study').to.equal('lr');
    expect(table().filters).to.deep.include({ text: 't1' });
    expect(table().sort).to.deep.equal([{ column: 'metric:val_loss', direction: 'desc' }]);
    history.replaceState({ entry: 'study-1' }, '');

    await chooseStudy(el, store, 'study-2');
    await table().updateComplete;
    expect(el.groupBy).to.equal(undefined);
    expect(table().filters).to.deep.equal({});
    expect(table().sort).to.deep.equal([]);
    await waitUntil(() => addressView().study === 'study-2', 'the new study in the address bar');
    expect(location.search).not.to.match(/[?&](g|sort|mr|q)=/);

    // Back: the first entry's view brings them back with its study.
    history.back();
    await waitUntil(() => el.view.study === 'study-1', 'back to the first study');
    await el.updateComplete;
    expect(el.groupBy).to.equal('lr');
    expect(table().filters).to.deep.include({ text: 't1' });
  });

  it('opens a link with a removed trial and an unknown metric cleanly', async () => {
    const store = loadedStore();
    history.replaceState(
      null,
      '',
      '?v=1&study=study-3&sel=study-3-t2,study-3-gone&m=val_loss,perplexity&colour=red',
    );
    const el = await mount({ store, urlState: true });
    expect(shownStudy(el)).to.equal(store.getStudy('study-3')!.name);
    expect(el.selected).to.deep.equal(['study-3-t2']);
    expect(charts(el).map((c) => c.metric)).to.deep.equal(['val_loss']);
    expect($(el, '[part="empty"]')).to.equal(null);
    await waitUntil(() => !location.search.includes('gone'), 'the removed trial leaves the address bar');
    expect(addressView().metrics, 'and so does the unknown metric').to.deep.equal(['val_loss']);
    expect(location.search, 'parameters that are not the view stay').to.include('colour=red');
  });

  it('drops an x metric and a grouping the study lacks, and selected trials of another study', async () => {
    const store = loadedStore();
    history.replaceState(
      null,
      '',
      '?v=1&study=study-2&sel=study-1-t0,study-2-t1&cmp=1&xm=nonexistent&g=toString',
    );
    const el = await mount({ store, urlState: true });
    expect(el.selected).to.deep.equal(['study-2-t1']);
    expect(el.view.compare).to.equal(false);
    expect(charts(el).every((c) => !c.xMetric && !c.groupBy)).to.equal(true);
    await waitUntil(() => !location.search.includes('xm='), 'the unknown x metric leaves the address bar');
    expect(addressView()).to.include({ study: 'study-2', xMetric: undefined, groupBy: undefined });
    expect(addressView().selected).to.deep.equal(['study-2-t1']);
  });

  it('keeps the newest study shown once the user zooms or smooths in it, and a copied link names it', async () => {
    const store = loadedStore();
    const el = await mount({ store, urlState: true });
    const newest = shownStudy(el);
    // Nothing chosen: a copied link still names the study on screen.
    $<HTMLButtonElement>(el, '[part="copy-link"]')!.click();
    await waitUntil(() => $(el, '[part="header"] [role="status"]')!.textContent, 'copied');
    expect(fromQuery(new URL(await pasted()).search).study).to.equal('study-3');
    el.view = { ...el.view, smoothing: 0.6 };
    await el.updateComplete;
    expect(el.study).to.equal(undefined);
    // A zoom made in it, not a view applied: the study is the user's choice from now on.
    charts(el)[0].zoomToX([2, 8]);
    await el.updateComplete;
    expect(el.study).to.equal('study-3');
    const first = store.getStudy('study-3')!;
    store.applyTrusted({
      v: 1,
      seq: 1_000,
      type: 'study.upsert',
      study: { ...first, id: 'later', name: 'Study later', createdAt: first.createdAt + 1000 },
    });
    store.flush();
    await el.updateComplete;
    expect(shownStudy(el)).to.equal(newest);
    await waitUntil(() => addressView().study === 'study-3', 'the address bar names the study');
  });

  it('opens a study by name, as a hand-written link gives it', async () => {
    const store = loadedStore();
    const name = store.getStudy('study-1')!.name;
    history.replaceState(null, '', `?study=${encodeURIComponent(name)}`);
    const el = await mount({ store, urlState: true });
    expect(shownStudy(el)).to.equal(name);
    expect(el.view.study).to.equal('study-1');
  });

  it('announces view changes and takes a view from a host router', async () => {
    const store = loadedStore();
    const el = await mount({ store });
    const events: ViewChangeEvent[] = [];
    el.addEventListener('view-change', (e) => events.push(e));
    await chooseStudy(el, store, 'study-2');
    expect(events.at(-1)).to.be.instanceOf(ViewChangeEvent);
    expect(events.at(-1)!.state.study).to.equal('study-2');
    expect(events.at(-1)!.query).to.equal('v=1&study=study-2');

    el.view = fromQuery('study=study-1&sel=study-1-t0,study-1-t1&cmp=1&y=log');
    await el.updateComplete;
    expect(shownStudy(el)).to.equal(store.getStudy('study-1')!.name);
    expect(el.selected).to.deep.equal(['study-1-t0', 'study-1-t1']);
    expect(charts(el).every((c) => c.yScale === 'log' && c.trials?.length === 2)).to.equal(true);
    expect(events.at(-1)!.query).to.equal('v=1&study=study-1&sel=study-1-t0,study-1-t1&cmp=1&y=log');
    expect(location.href).to.equal(home);
  });

  it('copies a link to the view from the header with the keyboard, and says so', async () => {
    const store = loadedStore();
    const el = await mount({ store });
    await chooseStudy(el, store, 'study-2');
    const button = $<HTMLButtonElement>(el, '[part="copy-link"]')!;
    expect(button.textContent?.trim()).to.equal('Copy link');
    button.focus();
    await sendKeys({ press: 'Enter' });
    const status = $(el, '[part="header"] [role="status"]')!;
    await waitUntil(() => status.textContent, 'a message for screen readers');
    expect(status.textContent).to.equal('Copied');
    expect(button.textContent?.trim()).to.equal('Copied');
    const expected = new URL(home);
    expected.search = [expected.search.slice(1), 'v=1&study=study-2'].filter(Boolean).join('&');
    expect(await pasted()).to.equal(expected.href);
  });

  it('copies a link to a trial from its row, which opens its study with it selected', async () => {
    const store = loadedStore();
    const el = await mount({ store, yScale: 'log' });
    await chooseStudy(el, store, 'study-2');
    const table = $<TrialTable>(el, 'trial-table')!;
    await table.updateComplete;
    const button = table.shadowRoot!.querySelector<HTMLButtonElement>(
      '[data-id="study-2-t3"] [part="trial-link"]',
    )!;
    button.focus();
    await sendKeys({ press: 'Enter' });
    const status = $(el, '[part="header"] [role="status"]')!;
    await waitUntil(() => status.textContent, 'a message for screen readers');
    expect(status.textContent).to.equal('Copied');
    expect(el.selected).to.deep.equal([]);
    const link = new URL(await pasted());
    // The trial's study and the trial, not the rest of this view (its log scale).
    expect(link.pathname).to.equal(new URL(home).pathname);
    expect(toQuery(fromQuery(link.search))).to.equal('v=1&study=study-2&sel=study-2-t3');
    el.remove();

    history.replaceState(null, '', link.href);
    const opened = await mount({ store, urlState: true });
    expect(shownStudy(opened)).to.equal(store.getStudy('study-2')!.name);
    expect(opened.selected).to.deep.equal(['study-2-t3']);
    expect(charts(opened).every((c) => c.highlighted?.includes('study-2-t3'))).to.equal(true);
  });
});

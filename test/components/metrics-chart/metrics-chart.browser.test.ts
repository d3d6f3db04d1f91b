import { expect, fixture, html, nextFrame, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { TrialStore } from '../../../src/client/store.js';
import type {
  TrialHoverEvent,
  TrialPinEvent,
  ZoomChangeEvent,
} from '../../../src/components/events/index.js';
import { trialStyle } from '../../../src/components/internal/theme.js';
import { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import type { Trial } from '../../../src/protocol/index.js';
import { canvasOf, paintedNear, pixelAt, pointer } from './canvas-probe.js';
import { append, range, storeWith } from './chart-store.js';

MetricsChart.define();

function trial(id: string, number: number, flags: string[] = []): Trial {
  return { id, studyId: 's1', number, status: 'running', params: {}, tags: {}, flags, startedAt: 0 };
}

/** A trial that logs no more: its x axis fits the data without room for growth. */
function finished(id: string, number: number): Trial {
  return { ...trial(id, number), status: 'succeeded' };
}

async function chartFor(store: TrialStore, extra: Partial<MetricsChart> = {}): Promise<MetricsChart> {
  const el = await fixture<MetricsChart>(
    html`<trial-metrics-chart style="width: 500px; height: 300px" theme="light"></trial-metrics-chart>`,
  );
  Object.assign(el, { store, metric: 'loss', ...extra });
  await el.updateComplete;
  return el;
}

/** Forty trials of 200 points each, flushed. */
function fortyTrials(): TrialStore {
  const trials = range(0, 40).map((i) => trial(`t${i}`, i));
  const store = storeWith(trials);
  for (const t of trials)
    append(
      store,
      t.id,
      range(0, 200),
      range(0, 200).map((s) => t.number + s / 100),
    );
  store.flush();
  return store;
}

/** Counts full repaints of the chart's main canvas from now on (each starts by clearing it). */
function countRepaints(el: MetricsChart): { count: number } {
  const main = canvasOf(el).getContext('2d')!;
  const counter = { count: 0 };
  const clear = main.clearRect.bind(main);
  main.clearRect = (...args: Parameters<CanvasRenderingContext2D['clearRect']>) => {
    counter.count++;
    clear(...args);
  };
  return counter;
}

const color0 = trialStyle(0).color;
const color1 = trialStyle(1).color;

describe('<trial-metrics-chart>', () => {
  it('registers only when asked, and idempotently', () => {
    expect(MetricsChart.define()).to.equal(MetricsChart);
    expect(customElements.get('trial-metrics-chart')).to.equal(MetricsChart);
  });

  it('draws a known series on the expected pixels', async () => {
    const store = storeWith([finished('a', 0)]);
    append(store, 'a', range(0, 101), range(0, 101));
    const el = await chartFor(store);
    expect(el.domains).to.deep.equal({ x: [0, 100], y: [0, 100] });
    for (const x of [5, 30, 50, 77, 95]) {
      const p = el.positionOf(x, x)!;
      expect(paintedNear(el, p.left, p.top, color0), `point ${x}`).to.equal(true);
    }
    // Off the line (the top-left corner of the plot) stays empty.
    const off = el.positionOf(10, 90)!;
    expect(pixelAt(el, off.left, off.top)[3]).to.equal(0);
  });

  it('sizes the canvas in device pixels', async () => {
    const original = Object.getOwnPropertyDescriptor(window, 'devicePixelRatio');
    Object.defineProperty(window, 'devicePixelRatio', { configurable: true, get: () => 2 });
    try {
      const store = storeWith([trial('a', 0)]);
      append(store, 'a', range(0, 101), range(0, 101));
      const el = await chartFor(store);
      const canvas = canvasOf(el);
      expect(canvas.width).to.equal(2 * Math.round(canvas.getBoundingClientRect().width));
      const p = el.positionOf(40, 40)!;
      expect(paintedNear(el, p.left, p.top, color0)).to.equal(true);
    } finally {
      if (original) Object.defineProperty(window, 'devicePixelRatio', original);
      else delete (window as { devicePixelRatio?: number }).devicePixelRatio;
    }
  });

  it('extends the curve with appended points at the next frame', async () => {
    const store = storeWith([trial('a', 0)]);
    append(store, 'a', range(0, 61), range(0, 61));
    const el = await chartFor(store);
    // A running trial: the x axis leaves room for the points to come.
    expect(el.domains!.x).to.deep.equal([0, 80]);
    // Within the current domain: only the tail is drawn.
    append(store, 'a', [61, 62], [61, 62]);
    store.flush();
    expect(el.domains!.x).to.deep.equal([0, 80]);
    append(store, 'a', range(63, 69), range(63, 69));
    store.flush();
    expect(el.domains!.x).to.deep.equal([0, 80]);
    const p = el.positionOf(68, 68)!;
    expect(paintedNear(el, p.left, p.top, color0)).to.equal(true);
    // Beyond it: the scales grow and the whole picture is redrawn.
    append(store, 'a', range(70, 201), range(70, 201));
    await nextFrame();
    await nextFrame();
    expect(el.domains!.x).to.deep.equal([0, 250]);
    const q = el.positionOf(190, 190)!;
    expect(paintedNear(el, q.left, q.top, color0)).to.equal(true);
  });

  it('leaves a gap at non-finite values', async () => {
    const store = storeWith([trial('a', 0)]);
    const values = range(0, 101).map((v) => (v > 40 && v < 60 ? Number.NaN : 50));
    append(store, 'a', range(0, 101), values);
    const el = await chartFor(store);
    const drawn = el.positionOf(20, 50)!;
    const gap = el.positionOf(50, 50)!;
    expect(paintedNear(el, drawn.left, drawn.top, color0)).to.equal(true);
    expect(paintedNear(el, gap.left, gap.top, color0, 2)).to.equal(false);
  });

  it('skips values at or below zero on a log scale', async () => {
    const store = storeWith([trial('a', 0)]);
    append(store, 'a', [0, 1, 2, 3, 4], [1, 10, -5, 0, 100]);
    const el = await chartFor(store, { yScale: 'log' });
    const [y0, y1] = el.domains!.y;
    expect(y0).to.be.greaterThan(0);
    expect(y0).to.be.at.most(1);
    expect(y1).to.be.at.least(100);
  });

  it('zooms to a dragged box and resets on double-click', async () => {
    const store = storeWith([finished('a', 0)]);
    append(store, 'a', range(0, 101), range(0, 101));
    const el = await chartFor(store);
    const from = el.positionOf(20, 80)!;
    const to = el.positionOf(60, 30)!;
    const zoomed = oneEvent(el, 'zoom-change') as Promise<ZoomChangeEvent>;
    // Pointer positions are relative to the overlay canvas, which covers the same box as the main one.
    pointer(el, 'pointerdown', from.left, from.top);
    pointer(el, 'pointermove', (from.left + to.left) / 2, (from.top + to.top) / 2);
    pointer(el, 'pointerup', to.left, to.top);
    const event = await zoomed;
    expect(event.x![0]).to.be.closeTo(20, 0.5);
    expect(event.x![1]).to.be.closeTo(60, 0.5);
    expect(event.y![0]).to.be.closeTo(30, 0.5);
    expect(event.y![1]).to.be.closeTo(80, 0.5);
    expect(el.domains!.x).to.deep.equal(event.x);
    // The zoomed picture still lands on the line.
    const p = el.positionOf(50, 50)!;
    expect(paintedNear(el, p.left, p.top, color0)).to.equal(true);

    const reset = oneEvent(el, 'zoom-change') as Promise<ZoomChangeEvent>;
    pointer(el, 'dblclick', 10, 10);
    expect((await reset).x).to.equal(undefined);
    expect(el.domains).to.deep.equal({ x: [0, 100], y: [0, 100] });
  });

  it('shows a tooltip with the nearest values on hover and reports the hovered trial', async () => {
    const store = storeWith([trial('a', 0), trial('b', 1)]);
    append(store, 'a', range(0, 101), range(0, 101));
    append(
      store,
      'b',
      range(0, 101),
      range(0, 101).map((v) => 100 - v),
    );
    const el = await chartFor(store);
    const p = el.positionOf(25, 25)!;
    const hovered = oneEvent(el, 'trial-hover') as Promise<TrialHoverEvent>;
    pointer(el, 'pointermove', p.left, p.top);
    expect((await hovered).trialId).to.equal('a');
    await el.updateComplete;
    const tooltip = el.shadowRoot!.querySelector('[part="tooltip"]')!;
    expect(tooltip).to.exist;
    expect(tooltip.textContent).to.contain('step 25');
    const rows = [...tooltip.querySelectorAll('.tooltip-row')];
    const row = (id: string) => rows.find((r) => r.getAttribute('data-trial') === id)!;
    expect(row('a').textContent).to.contain('25');
    expect(row('a').classList.contains('nearest')).to.equal(true);
    expect(row('b').textContent).to.contain('75');

    pointer(el, 'pointerleave', p.left, p.top);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="tooltip"]')).to.equal(null);
  });

  it('shows, of a step logged twice, the value nearest the pointer in the tooltip', async () => {
    const store = storeWith([trial('a', 0)]);
    // Two writers of step 50: 10 and 90.
    append(
      store,
      'a',
      [...range(0, 51), ...range(50, 101)],
      [...range(0, 51).map(() => 10), ...range(50, 101).map(() => 90)],
    );
    const el = await chartFor(store);
    const rowAt = async (value: number) => {
      const p = el.positionOf(50, value)!;
      pointer(el, 'pointermove', p.left, p.top);
      await el.updateComplete;
      return el.shadowRoot!.querySelector('[part="tooltip"] .tooltip-row')!.textContent!;
    };
    expect(await rowAt(90)).to.contain('90');
    expect(await rowAt(10)).to.contain('10');
  });

  it('lists a trial that logged NaN or Infinity at the step in its tooltip, and keeps the tooltip inside the chart', async () => {
    const store = storeWith([trial('a', 0), trial('b', 1), trial('c', 2)]);
    append(store, 'a', range(0, 101), range(0, 101));
    append(
      store,
      'b',
      range(0, 101),
      range(0, 101).map((v) => (v === 40 ? Number.NaN : 50)),
    );
    append(
      store,
      'c',
      range(0, 101),
      range(0, 101).map((v) => (v === 40 ? Number.POSITIVE_INFINITY : 20)),
    );
    const el = await fixture<MetricsChart>(
      html`<trial-metrics-chart style="width: 300px; height: 300px" theme="light"></trial-metrics-chart>`,
    );
    Object.assign(el, { store, metric: 'loss' });
    await el.updateComplete;
    const p = el.positionOf(40, 40)!;
    pointer(el, 'pointermove', p.left, p.top);
    await waitUntil(() => el.shadowRoot!.querySelector('[part="tooltip"]'), 'the tooltip shows');
    const tooltip = el.shadowRoot!.querySelector<HTMLElement>('[part="tooltip"]')!;
    const rows = [...tooltip.querySelectorAll('.tooltip-row')].map((r) =>
      r.textContent!.replace(/\s+/g, ' ').trim(),
    );
    expect(rows).to.have.length(3);
    expect(rows[0]).to.contain('Infinity');
    expect(rows[2]).to.contain('NaN');
    expect(tooltip.textContent).not.to.contain('more');
    // Just left of the middle, where the tooltip opens rightwards: it stays within the chart.
    for (const x of [0.3, 0.49, 0.51, 0.9]) {
      const at = el.positionOf(x * 100, 40)!;
      pointer(el, 'pointermove', at.left, at.top);
      await el.updateComplete;
      const box = el.shadowRoot!.querySelector('[part="tooltip"]')!.getBoundingClientRect();
      const chart = el.getBoundingClientRect();
      expect(box.right).to.be.at.most(chart.right + 0.5);
      expect(box.left).to.be.at.least(chart.left - 0.5);
    }
  });

  it('draws trials with the highlight flag dashed and the others solid', async () => {
    const store = storeWith([trial('a', 0), trial('b', 1, ['spectral_norm'])]);
    // Values between grid lines, so only curve pixels are tested.
    append(store, 'a', range(0, 101), range(0, 101).fill(33));
    append(store, 'b', range(0, 101), range(0, 101).fill(67));
    const el = await chartFor(store, { highlightFlag: 'spectral_norm' });
    const run = (value: number, hex: string) => {
      const painted: boolean[] = [];
      const start = el.positionOf(10, value)!;
      for (let left = start.left; left <= el.positionOf(90, value)!.left; left++) {
        painted.push([-1, 0, 1].some((dy) => paintedNear(el, left, start.top + dy, hex, 0)));
      }
      return painted;
    };
    const solid = run(33, color0);
    const dashed = run(67, color1);
    const share = (runs: boolean[]) => runs.filter(Boolean).length / runs.length;
    // Anti-aliasing where curves cross vertical grid lines may miss a pixel or two.
    expect(share(solid)).to.be.greaterThan(0.95);
    // A 6 px on, 4 px off dash: about 60 % painted.
    expect(share(dashed)).to.be.within(0.4, 0.8);
  });

  it('describes itself to assistive technology', async () => {
    const store = storeWith([trial('a', 0), trial('b', 1)]);
    append(store, 'a', [0, 1, 2], [0.9, 0.5, 0.25]);
    append(store, 'b', [0, 1], [0.8, 0.7]);
    const el = await chartFor(store);
    const figure = el.shadowRoot!.querySelector('[role="img"]')!;
    expect(figure.getAttribute('aria-label')).to.equal(
      'Line chart of loss by step for 2 trials. Plus and minus zoom, arrows pan, 0 resets.',
    );
    const rows = [...el.shadowRoot!.querySelectorAll('table tbody tr')].map((r) =>
      [...r.children].map((c) => c.textContent!.trim()),
    );
    expect(rows).to.deep.equal([
      ['#0, a', '2', '0.25'],
      ['#1, b', '1', '0.7'],
    ]);
    expect(el.shadowRoot!.querySelector('table caption')!.textContent).to.contain('Latest loss per trial');
    const legend = [...el.shadowRoot!.querySelectorAll('[part="legend-item"]')];
    expect(legend.map((b) => b.getAttribute('data-trial'))).to.deep.equal(['a', 'b']);
    await expect(el).to.be.accessible();
  });

  it('zooms and pans x from the keyboard, within the whole, and shows everything again on 0', async () => {
    const store = storeWith([finished('a', 0)]);
    append(store, 'a', range(0, 101), range(0, 101));
    const el = await chartFor(store);
    const figure = el.shadowRoot!.querySelector<HTMLElement>('[role="img"]')!;
    figure.focus();
    expect(el.shadowRoot!.activeElement === figure).to.equal(true);
    const whole = el.domains!.x;
    const zooms: (readonly [number, number] | undefined)[] = [];
    el.addEventListener('zoom-change', (e) => zooms.push((e as ZoomChangeEvent).x));
    const press = async (key: string) => {
      await sendKeys({ press: key });
      await el.updateComplete;
      await nextFrame();
    };
    // Keys that zoom nothing out of an unzoomed chart are left to the page.
    await press('ArrowLeft');
    expect(zooms.length).to.equal(0);
    const shows = (from: number, to: number) => {
      const [a, b] = el.domains!.x;
      expect(a).to.be.closeTo(from, 1e-9);
      expect(b).to.be.closeTo(to, 1e-9);
    };
    const [lo, hi] = whole;
    const quarter = (hi - lo) / 4;
    await press('+');
    shows(lo + quarter, hi - quarter);
    expect(figure.getAttribute('aria-label')).to.contain(', zoomed.');
    // A pan moves a quarter of the window (an eighth of the whole) and stops at the end of the data.
    await press('ArrowRight');
    shows(lo + quarter * 1.5, hi - quarter * 0.5);
    await press('ArrowRight');
    shows(lo + 2 * quarter, hi);
    await press('ArrowRight');
    shows(lo + 2 * quarter, hi);
    await press('Home');
    shows(lo, lo + 2 * quarter);
    await press('-');
    shows(lo, hi);
    expect(zooms.at(-1)).to.equal(undefined);
    await press('+');
    await press('0');
    shows(lo, hi);
    expect(zooms.length).to.equal(7);
    expect(zooms.at(-1)).to.equal(undefined);
  });

  it("goes from the keyboard to the end of a running trial's data, not into the room its axis leaves past it", async () => {
    const store = storeWith([trial('a', 0)]);
    append(store, 'a', range(0, 101), range(0, 101));
    const el = await chartFor(store);
    expect(el.domains!.x[1]).to.be.above(100, 'room past the data');
    el.shadowRoot!.querySelector<HTMLElement>('[role="img"]')!.focus();
    for (const key of ['+', '+', 'End']) {
      await sendKeys({ press: key });
      await el.updateComplete;
    }
    expect(el.domains!.x[1]).to.be.closeTo(100, 1e-9);
  });

  it('keeps a very long trial name inside the chart: the legend cuts it short, the page does not widen', async () => {
    const name = `run-${'x'.repeat(600)}`;
    const store = storeWith([{ ...trial('a', 0), name }, trial('b', 1)]);
    append(store, 'a', [0, 1, 2], [0.9, 0.5, 0.25]);
    append(store, 'b', [0, 1], [0.8, 0.7]);
    const el = await chartFor(store);
    await nextFrame();
    const root = document.scrollingElement!;
    expect(root.scrollWidth, 'the page scrolls sideways').to.be.at.most(root.clientWidth);
    const item = el.shadowRoot!.querySelector<HTMLElement>('[part="legend-item"]')!;
    expect(item.getBoundingClientRect().right).to.be.at.most(el.getBoundingClientRect().right + 0.5);
    expect(
      el.shadowRoot!.querySelector('table tbody th')!.textContent,
      'screen readers get it whole',
    ).to.contain(name);
  });

  it('shows a loading state until the store has data, then an empty state without the metric', async () => {
    const store = new TrialStore();
    const el = await chartFor(store);
    const message = () => el.shadowRoot!.querySelector('[part="message"]')?.textContent?.trim();
    expect(message()).to.equal('Loading…');
    store.applyTrusted({
      v: 1,
      seq: 0,
      type: 'snapshot',
      studies: [{ id: 's1', name: 'study', status: 'running', createdAt: 0, tags: {} }],
      trials: [trial('a', 0)],
      metrics: [],
      sync: [],
    });
    store.flush();
    await el.updateComplete;
    expect(message()).to.equal('No data for loss');
    append(store, 'a', [0, 1], [1, 2]);
    store.flush();
    await el.updateComplete;
    expect(message()).to.equal(undefined);
    expect(el.domains).to.not.equal(undefined);
  });

  it('emphasises a trial hovered in the legend and pins it on click', async () => {
    const store = storeWith([trial('a', 0), trial('b', 1)]);
    append(store, 'a', range(0, 101), range(0, 101).fill(33));
    append(store, 'b', range(0, 101), range(0, 101).fill(67));
    const el = await chartFor(store);
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[data-trial="b"]')!;
    const pinned = oneEvent(el, 'trial-pin') as Promise<TrialPinEvent>;
    button.click();
    expect((await pinned).trialId).to.equal('b');
    await nextFrame();
    await nextFrame();
    // The other curve is dimmed: its pixels are translucent now.
    const p = el.positionOf(50, 33)!;
    const alpha = Math.max(...[-1, 0, 1].map((d) => pixelAt(el, p.left, p.top + d)[3]));
    expect(alpha).to.be.lessThan(120);
    expect(button.getAttribute('aria-pressed')).to.equal('true');
  });

  it('paints a cold chart once: the legend laid out under it does not make it paint again', async () => {
    const el = await chartFor(fortyTrials());
    const repaints = countRepaints(el);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await nextFrame();
    expect(repaints.count).to.equal(0);
  });

  it('emphasises on a layer of its own: hovering and pinning never repaint the other curves', async () => {
    const el = await chartFor(fortyTrials());
    await nextFrame();
    const repaints = countRepaints(el);
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[data-trial="t7"]')!;
    button.dispatchEvent(new PointerEvent('pointerenter'));
    button.click();
    await nextFrame();
    await nextFrame();
    const p = el.positionOf(100, 8)!;
    expect(
      paintedNear(el, p.left, p.top, trialStyle(7).color),
      'the pinned curve, at full strength',
    ).to.equal(true);
    expect(getComputedStyle(canvasOf(el)).opacity, 'the others dimmed by the compositor').to.equal('0.2');
    button.click();
    button.dispatchEvent(new PointerEvent('pointerleave'));
    await nextFrame();
    await nextFrame();
    expect(getComputedStyle(canvasOf(el)).opacity).to.equal('1');
    expect(repaints.count, 'repaints of the main canvas').to.equal(0);
  });

  it('leaves the emphasis layer alone until a trial is emphasised (no drawing surface made for it)', async () => {
    const original = HTMLCanvasElement.prototype.getContext;
    let emphasisContexts = 0;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, ...args: unknown[]) {
      if (this.classList.contains('emphasis')) emphasisContexts++;
      return (original as (...a: unknown[]) => RenderingContext | null).apply(this, args);
    } as typeof original;
    try {
      const el = await chartFor(fortyTrials());
      el.refreshTheme();
      await nextFrame();
      await nextFrame();
      expect(emphasisContexts, 'cold paint and a full repaint').to.equal(0);
      el.highlighted = ['t3'];
      await el.updateComplete;
      await nextFrame();
      expect(emphasisContexts).to.be.greaterThan(0);
      const p = el.positionOf(100, 4)!;
      expect(paintedNear(el, p.left, p.top, trialStyle(3).color), 'the highlighted curve').to.equal(true);
    } finally {
      HTMLCanvasElement.prototype.getContext = original;
    }
  });

  it('draws hairlines once the curves hold more points than wide lines can afford', async () => {
    const widths = async (count: number, points: number) => {
      const trials = range(0, count).map((i) => trial(`t${i}`, i));
      const store = storeWith(trials);
      for (const t of trials)
        append(
          store,
          t.id,
          range(0, points),
          range(0, points).map((s) => Math.sin(s) + t.number),
        );
      store.flush();
      const el = await chartFor(store);
      const main = canvasOf(el).getContext('2d')!;
      const seen = new Set<number>();
      const stroke = main.stroke.bind(main) as () => void;
      main.stroke = () => {
        if (main.strokeStyle !== '#000000') seen.add(main.lineWidth);
        stroke();
      };
      el.refreshTheme();
      await nextFrame();
      await nextFrame();
      return seen;
    };
    // Three short curves: wide lines. Ten noisy curves of 1,000 points: hairlines (ten times cheaper).
    expect([...(await widths(3, 50))]).to.include(1.5 * devicePixelRatio);
    expect([...(await widths(10, 1000))].filter((w) => w > 1)).to.deep.equal([]);
  });

  it('lists the best twenty of a large study by its objective, finds the others, and shows them all on request', async () => {
    const trials = range(0, 45).map((i) => trial(`t${i}`, i));
    const store = storeWith(trials, { objective: { metric: 'loss', direction: 'minimize' } });
    // Trial i's best loss is (i * 17) % 45: the order by objective differs from the order by number.
    for (const t of trials) append(store, t.id, [0, 1], [100, (t.number * 17) % 45]);
    store.flush();
    const el = await chartFor(store);
    const entries = () =>
      [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="legend-item"]')].map(
        (b) => b.dataset.trial,
      );
    const best = [...trials].sort((a, b) => ((a.number * 17) % 45) - ((b.number * 17) % 45)).map((t) => t.id);
    expect(entries()).to.deep.equal(best.slice(0, 20));
    const more = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="legend-more"]')!;
    expect(more.textContent!.trim()).to.equal('+25 more');
    expect(more.getAttribute('aria-expanded')).to.equal('false');

    const search = el.shadowRoot!.querySelector<HTMLInputElement>('[part="legend-search"]')!;
    search.value = 'T4';
    search.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(entries().sort()).to.deep.equal(['t4', 't40', 't41', 't42', 't43', 't44']);
    expect(el.shadowRoot!.querySelector('[part="legend-more"]')).to.equal(null);
    search.value = '<img src=x onerror=alert(1)>';
    search.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(entries()).to.deep.equal([]);
    expect(el.shadowRoot!.querySelector('.legend-none')!.textContent).to.contain('<img src=x');
    search.value = '';
    search.dispatchEvent(new Event('input'));
    await el.updateComplete;

    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="legend-more"]')!.click();
    await el.updateComplete;
    expect(entries()).to.deep.equal(best);
    const fewer = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="legend-more"]')!;
    expect(fewer.textContent!.trim()).to.equal('Show fewer');
    expect(fewer.getAttribute('aria-expanded')).to.equal('true');
    await expect(el).to.be.accessible();
  });

  it('gives the legend one tab stop, moved by the arrow keys', async () => {
    const store = storeWith([trial('a', 0), trial('b', 1), trial('c', 2)]);
    for (const id of ['a', 'b', 'c']) append(store, id, [0, 1], [1, 2]);
    const el = await chartFor(store);
    const buttons = () => [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="legend-item"]')];
    const tabStops = () =>
      buttons()
        .filter((b) => b.tabIndex === 0)
        .map((b) => b.dataset.trial);
    expect(tabStops()).to.deep.equal(['a']);
    const press = (key: string) =>
      el.shadowRoot!.activeElement!.dispatchEvent(
        new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }),
      );
    buttons()[0].focus();
    press('ArrowRight');
    expect(el.shadowRoot!.activeElement).to.equal(buttons()[1]);
    expect(tabStops()).to.deep.equal(['b']);
    press('End');
    expect(tabStops()).to.deep.equal(['c']);
    press('ArrowDown');
    expect(el.shadowRoot!.activeElement).to.equal(buttons()[2]);
    press('Home');
    press('ArrowLeft');
    expect(tabStops()).to.deep.equal(['a']);
    // A re-render (a pin) keeps the stop where the keys left it.
    press('ArrowRight');
    buttons()[1].click();
    await el.updateComplete;
    expect(tabStops()).to.deep.equal(['b']);
  });

  it('repaints at an unchanged zoom without reducing again', async () => {
    const store = storeWith([trial('a', 0), trial('b', 1)]);
    append(store, 'a', range(0, 101), range(0, 101));
    append(store, 'b', range(0, 101), range(0, 101).fill(50));
    const el = await chartFor(store);
    // Let the first measured size settle the layout.
    await nextFrame();
    await nextFrame();
    const views = (el as unknown as { views: { reductions: number }[] }).views;
    const before = views.map((v) => v.reductions);
    expect(before.every((n) => n > 0)).to.equal(true);
    el.theme = 'dark';
    await el.updateComplete;
    el.highlighted = ['b'];
    await el.updateComplete;
    el.refreshTheme();
    await nextFrame();
    await nextFrame();
    expect(views.map((v) => v.reductions)).to.deep.equal(before);
    // A new zoom does reduce again.
    (el as unknown as { setZoom(x: [number, number], y: undefined): void }).setZoom([10, 20], undefined);
    expect(views.every((v, i) => v.reductions > before[i])).to.equal(true);
  });

  it('follows the size of its container', async () => {
    const store = storeWith([trial('a', 0)]);
    append(store, 'a', range(0, 101), range(0, 101));
    const el = await chartFor(store);
    el.style.width = '300px';
    await new Promise((r) => setTimeout(r, 100));
    await el.updateComplete;
    expect(Math.round(canvasOf(el).getBoundingClientRect().width)).to.equal(300);
    expect(canvasOf(el).width).to.equal(Math.round(300 * devicePixelRatio));
    const p = el.positionOf(50, 50)!;
    expect(paintedNear(el, p.left, p.top, color0)).to.equal(true);
  });

  it('shows only the trials asked for, and relative time in seconds', async () => {
    const store = storeWith([trial('a', 0), trial('b', 1)]);
    append(store, 'a', range(0, 11), range(0, 11));
    append(store, 'b', range(0, 11), range(0, 11));
    const el = await chartFor(store, { trials: ['b'], xAxis: 'relative' });
    const legend = [...el.shadowRoot!.querySelectorAll('[part="legend-item"]')];
    expect(legend.map((b) => b.getAttribute('data-trial'))).to.deep.equal(['b']);
    // Timestamps are 1,000,000 ms + 1 s per step and the trial started at 0: 1000 s to 1010 s.
    expect(el.domains!.x[0]).to.be.at.most(1000);
    expect(el.domains!.x[1]).to.be.at.least(1010);
    expect(el.domains!.x[1]).to.be.below(1100);
  });

  it('dims the other trials when the host highlights some', async () => {
    const store = storeWith([trial('a', 0), trial('b', 1)]);
    append(store, 'a', range(0, 101), range(0, 101).fill(33));
    append(store, 'b', range(0, 101), range(0, 101).fill(67));
    const el = await chartFor(store, { highlighted: ['a'] });
    const alphaAt = (value: number) => {
      const p = el.positionOf(50, value)!;
      return Math.max(...[-1, 0, 1].map((d) => pixelAt(el, p.left, p.top + d)[3]));
    };
    expect(alphaAt(33)).to.equal(255);
    expect(alphaAt(67)).to.be.lessThan(120);
  });

  it('centres trials that each log one value at step 0 on an integer tick, with a padded y range', async () => {
    const store = storeWith([trial('a', 0), trial('b', 1), trial('c', 2)]);
    append(store, 'a', [0], [0.375]);
    append(store, 'b', [0], [0.36]);
    append(store, 'c', [0], [0.389]);
    const el = await chartFor(store);
    const [x0, x1] = el.domains!.x;
    expect(x0).to.be.below(0);
    expect(x1).to.be.above(0);
    expect(x1 - x0).to.be.at.most(1);
    const xLabels = [...el.shadowRoot!.querySelectorAll('[part~="axis-x"] .tick')].map((t) => t.textContent);
    expect(xLabels).to.deep.equal(['0']);
    const p = el.positionOf(0, 0.375)!;
    expect(paintedNear(el, p.left, p.top, color0, 2)).to.equal(true);
  });

  it('pads a single y value by a few percent, and zero by one', async () => {
    const store = storeWith([trial('a', 0), trial('b', 1)]);
    append(store, 'a', [3], [40]);
    append(store, 'b', [7], [40]);
    const el = await chartFor(store);
    const [y0, y1] = el.domains!.y;
    expect(y0).to.be.within(37, 39.9);
    expect(y1).to.be.within(40.1, 43);
    const zeros = storeWith([trial('z', 0)]);
    append(zeros, 'z', [1, 2], [0, 0]);
    const zero = await chartFor(zeros);
    expect(zero.domains!.y).to.deep.equal([-1, 1]);
  });

  it('smooths with the EMA and keeps raw values in the tooltip', async () => {
    const store = storeWith([trial('a', 0)]);
    append(
      store,
      'a',
      range(0, 101),
      range(0, 101).map((v) => (v % 2 ? 80 : 20)),
    );
    const el = await chartFor(store, { smoothing: 0.9 });
    const [y0, y1] = el.domains!.y;
    // The smoothed curve stays well inside the raw range 20..80 after its first points.
    expect(y0).to.be.at.least(0);
    expect(y1).to.be.at.most(100);
    const p = el.positionOf(80, 50)!;
    expect(paintedNear(el, p.left, p.top, color0, 2)).to.equal(true);
  });
});

import { expect, fixture, html, nextFrame } from '@open-wc/testing';
import { LazyPart } from '../../../src/components/internal/lazy-part.js';
import { trialStyle } from '../../../src/components/internal/theme.js';
import { ChartExportError } from '../../../src/components/metrics-chart/export-error.js';
import { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import type { Trial } from '../../../src/protocol/index.js';
import { paintedNear } from './canvas-probe.js';
import { append, mountChart, range, storeWith } from './chart-store.js';

MetricsChart.define();

const HOSTILE = `=HYPERLINK("x")<script>alert(1)</script>'&`;

function trial(id: string, number: number, name?: string): Trial {
  return {
    id,
    studyId: 's1',
    number,
    name,
    status: 'succeeded',
    params: {},
    tags: {},
    flags: [],
    startedAt: 0,
  };
}

/** Alternates 20 and 80: every smoothing brings it towards 50. */
const zigzag = (steps: number[]) => steps.map((s) => (s % 2 ? 80 : 20));

const color0 = trialStyle(0).color;

describe('<trial-metrics-chart> smoothing kinds', () => {
  for (const kind of ['running', 'gaussian'] as const) {
    it(`smooths with the ${kind} kind and keeps the raw curve faint behind`, async () => {
      const store = storeWith([trial('a', 0)]);
      append(store, 'a', range(0, 101), zigzag(range(0, 101)));
      const el = await mountChart(store, { smoothing: 0.9, smoothingKind: kind });
      // The y range holds the raw values (the faint curve) ...
      expect(el.domains!.y[0]).to.be.at.most(20);
      expect(el.domains!.y[1]).to.be.at.least(80);
      // ... the smoothed curve runs near 50, opaque (19 points around step 50: ten of them 80) ...
      const mid = el.positionOf(50, kind === 'running' ? (10 * 80 + 9 * 20) / 19 : 50)!;
      expect(paintedNear(el, mid.left, mid.top, color0, 1)).to.equal(true);
      // ... and a raw peak is painted, but faintly.
      const peak = el.positionOf(51, 80)!;
      expect(paintedNear(el, peak.left, peak.top, color0, 1, 20)).to.equal(true);
      expect(paintedNear(el, peak.left, peak.top, color0, 1, 150)).to.equal(false);
    });
  }

  it('says why the curves are not smoothed when the smoothing code cannot be loaded', async () => {
    const store = storeWith([trial('a', 0)]);
    append(store, 'a', range(0, 101), zigzag(range(0, 101)));
    const el = document.createElement('trial-metrics-chart') as MetricsChart;
    el.style.cssText = 'display: block; width: 500px; height: 300px';
    // The on-demand chunk fails to arrive (a deployment replaced it, the network is gone).
    (el as unknown as { tooltip: LazyPart<never> }).tooltip = new LazyPart<never>(el, () =>
      Promise.reject(new Error('offline')),
    );
    Object.assign(el, { store, metric: 'loss', smoothing: 0.9 });
    document.body.append(el);
    try {
      await el.updateComplete;
      await nextFrame();
      await el.updateComplete;
      const message = el.shadowRoot!.querySelector('[part="message"]');
      expect(message?.textContent).to.equal('Could not load smoothing: offline');
      // The curves are still drawn, as they are: a raw peak at full strength.
      const peak = el.positionOf(51, 80)!;
      expect(paintedNear(el, peak.left, peak.top, color0, 1)).to.equal(true);
      // A CSV without the smoothed values asked for would pass for one with them.
      const error = await el.toCSV().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(ChartExportError);
      expect((error as Error).message).to.equal(
        'Could not load smoothing: offline; the CSV would lack the smoothed values.',
      );
    } finally {
      el.remove();
    }
  });

  it('takes the kind from the smoothing-kind attribute and redraws live appends with it', async () => {
    const store = storeWith([trial('a', 0)]);
    append(store, 'a', range(0, 60), zigzag(range(0, 60)));
    const el = await fixture<MetricsChart>(
      html`<trial-metrics-chart style="width: 500px; height: 300px" smoothing="0.9" smoothing-kind="gaussian"></trial-metrics-chart>`,
    );
    expect(el.smoothingKind).to.equal('gaussian');
    el.store = store;
    el.metric = 'loss';
    await el.updateComplete;
    append(
      store,
      'a',
      range(60, 101),
      range(60, 101).map(() => 50),
    );
    await nextFrame();
    await nextFrame();
    // The smoothed tail settles on the appended constant: drawn at 50, where the raw curve is too.
    const tail = el.positionOf(95, 50)!;
    expect(paintedNear(el, tail.left, tail.top, color0, 1)).to.equal(true);
    const rows = (await el.toCSV()).trim().split('\r\n');
    const last = rows[rows.length - 1].split(',');
    expect(Number(last[5])).to.be.closeTo(50, 1e-9);
  });

  it('has no axe violations while smoothing', async () => {
    const store = storeWith([trial('a', 0, HOSTILE)]);
    append(store, 'a', range(0, 50), zigzag(range(0, 50)));
    const el = await mountChart(store, { smoothing: 0.5, smoothingKind: 'running' });
    await expect(el).to.be.accessible();
  });
});

describe('<trial-metrics-chart> export', () => {
  async function twoTrials(): Promise<MetricsChart> {
    const store = storeWith([trial('a', 0, HOSTILE), trial('b', 1, 'plain')]);
    append(
      store,
      'a',
      range(0, 101),
      range(0, 101).map((s) => s / 2),
    );
    store.appendPoints(
      'b',
      'loss',
      range(0, 101),
      range(0, 101).map((s) => -s),
      range(0, 101).map((s) => s * 1000),
    );
    store.flush();
    return mountChart(store);
  }

  it('writes the exact points of the visible window to CSV, names escaped against formulas', async () => {
    const el = await twoTrials();
    el.zoomToX([10, 20]);
    const lines = (await el.toCSV()).split('\r\n');
    expect(lines[0]).to.equal('trial_id,trial_name,step,timestamp,value');
    const rows = lines.slice(1, -1);
    expect(rows.length).to.equal(22);
    expect(rows[0]).to.equal(
      `a,"'=HYPERLINK(""x"")<script>alert(1)</script>'&",10,1970-01-01T00:16:50.000Z,5`,
    );
    expect(rows[11]).to.equal('b,plain,10,1970-01-01T00:00:10.000Z,-10');
    expect(rows.map((r) => Number(r.split(',').at(-1)))).to.include(7.5);
  });

  it('adds the smoothed value while smoothing', async () => {
    const el = await twoTrials();
    el.smoothing = 0.6;
    el.smoothingKind = 'running';
    await el.updateComplete;
    const [header, first] = (await el.toCSV()).split('\r\n');
    expect(header.endsWith(',value,smoothed')).to.equal(true);
    // The first point averages steps 0..2 (half-window 2, clipped at the start): (0 + 0.5 + 1) / 3.
    expect(Number(first.split(',').at(-1))).to.be.closeTo(0.5, 1e-12);
  });

  it('builds an SVG document in which a hostile name is text, not markup', async () => {
    const el = await twoTrials();
    const svg = await el.toSVG();
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).to.equal(null);
    expect(doc.querySelectorAll('script').length).to.equal(0);
    const titles = [...doc.querySelectorAll('path > title')].map((t) => t.textContent);
    expect(titles).to.deep.equal([HOSTILE, 'plain']);
    expect([...doc.querySelectorAll('text')].map((t) => t.textContent)).to.include(HOSTILE);
    expect(doc.documentElement.getAttribute('width')).to.equal('500');
  });

  it('marks the points of a sparse curve in the SVG, as the canvas does (a one-point trial is seen)', async () => {
    const store = storeWith([trial('a', 0), trial('b', 1, 'single')]);
    append(store, 'a', range(0, 101), range(0, 101));
    append(store, 'b', [50], [25]);
    store.flush();
    const el = await mountChart(store);
    const doc = new DOMParser().parseFromString(await el.toSVG(), 'image/svg+xml');
    const dots = [...doc.querySelectorAll('circle')];
    expect(dots.length).to.equal(1);
    expect(dots[0].parentElement?.querySelector('title')?.textContent).to.equal('single');
    // The dense curve has no markers: its path is its only mark.
    expect(doc.querySelectorAll('g[fill] > circle').length).to.equal(1);
  });

  it('renders a PNG of the chart at the screen density', async () => {
    const el = await twoTrials();
    const png = await el.toPNG();
    expect(png.type).to.equal('image/png');
    const bitmap = await createImageBitmap(png);
    expect(bitmap.width).to.equal(Math.round(500 * devicePixelRatio));
  });

  it('refuses to export a chart with nothing drawn, with a typed error', async () => {
    const el = await mountChart(storeWith([trial('a', 0)]));
    const error = await el.toSVG().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ChartExportError);
    expect(await el.toCSV()).to.equal('trial_id,trial_name,step,timestamp,value\r\n');
  });
});

import { expect, nextFrame } from '@open-wc/testing';
import type { TrialStore } from '../../../src/client/store.js';
import { trialStyle } from '../../../src/components/internal/theme.js';
import { MetricsChart } from '../../../src/components/metrics-chart/metrics-chart.js';
import type { Trial } from '../../../src/protocol/index.js';
import { paintedNear, pointer } from './canvas-probe.js';
import { append, mountChart, range, storeWith } from './chart-store.js';

MetricsChart.define();

function trial(
  id: string,
  number: number,
  params: Trial['params'],
  tags: Record<string, string> = {},
): Trial {
  return { id, studyId: 's1', number, status: 'succeeded', params, tags, flags: [], startedAt: 0 };
}

/** Six trials: three Adam at 1, 2 and 9, three SGD at 10, 20 and 30 (constant curves, steps 0–100). */
function study(): TrialStore {
  const levels = [1, 2, 9, 10, 20, 30];
  const store = storeWith(
    levels.map((_, i) => trial(`t${i}`, i, { optimizer: i < 3 ? 'adam' : 'sgd', lr: 0.1 })),
  );
  levels.forEach((level, i) => {
    append(
      store,
      `t${i}`,
      range(0, 101),
      range(0, 101).map(() => level),
    );
  });
  store.flush();
  return store;
}

const adam = trialStyle(0).color;
const sgd = trialStyle(1).color;

describe('<trial-metrics-chart> grouping', () => {
  it('draws one mean line per value of a param, not a curve per trial, and lists the groups', async () => {
    const el = await mountChart(study(), { groupBy: 'optimizer' });
    expect(el.domains!.y[0]).to.be.at.most(1);
    const at = (value: number) => el.positionOf(50, value)!;
    expect(paintedNear(el, at(4).left, at(4).top, adam, 2), 'adam mean (1 + 2 + 9) / 3').to.equal(true);
    expect(paintedNear(el, at(20).left, at(20).top, sgd, 2), 'sgd mean').to.equal(true);
    // A trial's own curve is not drawn: inside the band it is only the band's faint fill.
    expect(paintedNear(el, at(2).left, at(2).top, trialStyle(1).color, 1)).to.equal(false);
    const legend = [...el.shadowRoot!.querySelectorAll('[part="legend-group"]')].map((li) =>
      li.textContent!.replace(/\s+/g, ' ').trim(),
    );
    expect(legend).to.deep.equal(['optimizer = adam, 3 trials', 'optimizer = sgd, 3 trials']);
    expect(el.shadowRoot!.querySelector('.figure')!.getAttribute('aria-label')).to.contain(
      'grouped by optimizer',
    );
    await expect(el).to.be.accessible();
  });

  it('takes the median when asked, and a band of one standard deviation', async () => {
    const el = await mountChart(study(), { groupBy: 'optimizer', groupStat: 'median', groupBand: 'std' });
    const p = el.positionOf(50, 2)!;
    expect(paintedNear(el, p.left, p.top, adam, 2), 'adam median').to.equal(true);
    const mean = el.positionOf(50, 4)!;
    expect(paintedNear(el, mean.left, mean.top, adam, 1), 'not the mean').to.equal(false);
    pointer(el, 'pointermove', p.left, p.top);
    await nextFrame();
    const tip = el.shadowRoot!.querySelector('[part="tooltip"]')!.textContent!.replace(/\s+/g, ' ');
    // Adam's standard deviation over 1, 2 and 9 (sample): 4.359 around the mean 4.
    expect(tip).to.contain('median by optimizer');
    expect(tip).to.match(/adam · 3\s*2 \(±1 sd -0\.35\d* – 8\.35\d*\)/);
    expect(tip).to.match(/sgd · 3\s*20 \(±1 sd 10 – 30\)/);
  });

  it('groups by a tag when no param has the key; trials without it form their own group', async () => {
    const store = storeWith([
      trial('a', 0, {}, { team: '<img src=x onerror=alert(1)>' }),
      trial('b', 1, {}, { team: '<img src=x onerror=alert(1)>' }),
      trial('c', 2, {}),
    ]);
    append(
      store,
      'a',
      range(0, 11),
      range(0, 11).map(() => 1),
    );
    append(
      store,
      'b',
      range(0, 11),
      range(0, 11).map(() => 3),
    );
    append(
      store,
      'c',
      range(0, 11),
      range(0, 11).map(() => 10),
    );
    store.flush();
    const el = await mountChart(store, { groupBy: 'team' });
    const items = [...el.shadowRoot!.querySelectorAll('[part="legend-group"]')];
    expect(items.map((li) => li.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'team = <img src=x onerror=alert(1)>, 2 trials',
      'team = (none), 1 trial',
    ]);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    const p = el.positionOf(5, 2)!;
    expect(paintedNear(el, p.left, p.top, adam, 2)).to.equal(true);
  });

  it('averages trials whose steps do not line up, and follows live appends', async () => {
    const store = storeWith([
      trial('a', 0, { opt: 'x' }),
      trial('b', 1, { opt: 'x' }),
      trial('c', 2, { opt: 'y' }),
    ]);
    // c keeps the y range above the appended points.
    append(
      store,
      'c',
      range(0, 220),
      range(0, 220).map(() => 8),
    );
    // a logs even steps at 1, b odd steps at 3: one line at 2, not a zigzag between 1 and 3.
    append(
      store,
      'a',
      range(0, 200, 2),
      range(0, 200, 2).map(() => 1),
    );
    append(
      store,
      'b',
      range(1, 200, 2),
      range(1, 200, 2).map(() => 3),
    );
    store.flush();
    const el = await mountChart(store, { groupBy: 'opt', groupBand: 'none' });
    for (const step of [40, 100, 160]) {
      const p = el.positionOf(step, 2)!;
      expect(paintedNear(el, p.left, p.top, adam, 1), `mean at step ${step}`).to.equal(true);
      for (const value of [1, 3]) {
        const off = el.positionOf(step, value)!;
        expect(paintedNear(el, off.left, off.top, adam, 1), `no zigzag to ${value} at ${step}`).to.equal(
          false,
        );
      }
    }
    const [, x1] = el.domains!.x;
    append(store, 'a', [200, 202], [5, 5]);
    append(store, 'b', [201, 203], [5, 5]);
    store.flush();
    await nextFrame();
    await nextFrame();
    expect(el.domains!.x[1]).to.be.at.least(x1);
    const grown = el.positionOf(202, 5)!;
    expect(paintedNear(el, grown.left, grown.top, adam, 2), 'the appended points joined the group').to.equal(
      true,
    );
  });

  it('draws every trial again when grouping is turned off', async () => {
    const el = await mountChart(study(), { groupBy: 'optimizer' });
    el.groupBy = undefined;
    await el.updateComplete;
    await nextFrame();
    const p = el.positionOf(50, 9)!;
    expect(paintedNear(el, p.left, p.top, trialStyle(2).color, 2)).to.equal(true);
    expect(el.shadowRoot!.querySelectorAll('[part="legend-item"]').length).to.equal(6);
  });
});

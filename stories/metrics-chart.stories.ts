import type { Meta, StoryObj } from '@storybook/web-components-vite';
import type { TrialStore } from '../src/client/store.js';
import { MetricsChart } from '../src/components/metrics-chart/metrics-chart.js';
import { emptyStore, liveStore, loadedStore, loadingStore, themeOf } from './support.js';

MetricsChart.define();

type Story = StoryObj;

const meta: Meta = {
  title: 'Components/trial-metrics-chart',
  component: 'trial-metrics-chart',
  parameters: { layout: 'padded' },
  args: {
    metric: 'val_loss',
    'y-scale': 'linear',
    'x-axis': 'step',
    smoothing: 0,
    'smoothing-kind': 'ema',
    'highlight-flag': 'spectral_norm',
    'group-by': '',
    'group-stat': 'mean',
    'group-band': 'minmax',
  },
  argTypes: {
    'group-stat': { control: 'inline-radio', options: ['mean', 'median'] },
    'group-band': { control: 'inline-radio', options: ['minmax', 'std', 'none'] },
    'y-scale': { control: 'inline-radio', options: ['linear', 'log'] },
    'x-axis': { control: 'inline-radio', options: ['step', 'wall', 'relative'] },
    smoothing: { control: { type: 'range', min: 0, max: 0.99, step: 0.01 } },
    'smoothing-kind': { control: 'inline-radio', options: ['ema', 'running', 'gaussian'] },
  },
};
export default meta;

const chart = (
  store: TrialStore | undefined,
  args: Record<string, unknown>,
  context: { globals: Record<string, unknown> },
) => {
  const el = document.createElement('trial-metrics-chart');
  Object.assign(el, {
    store,
    study: 'study-1',
    metric: args.metric,
    yScale: args['y-scale'],
    xAxis: args['x-axis'],
    smoothing: args.smoothing,
    smoothingKind: args['smoothing-kind'],
    highlightFlag: args['highlight-flag'],
    groupBy: args['group-by'] || undefined,
    groupStat: args['group-stat'],
    groupBand: args['group-band'],
    theme: themeOf(context),
  });
  return el;
};

export const Default: Story = {
  render: (args, context) => chart(loadedStore({ seed: 2, studies: 1, trials: 16 }), args, context),
};
export const Empty: Story = { render: (args, context) => chart(emptyStore(), args, context) };
export const Loading: Story = { render: (args, context) => chart(loadingStore(), args, context) };
export const Live: Story = {
  render: (args, context) => {
    const el = chart(undefined, args, context);
    el.store = liveStore(el, { seed: 4, studies: 1, trials: 12, steps: 400, intervalMs: 100 });
    return el;
  },
};
/** Gaussian smoothing over noisy curves, the raw curves faint behind (try the other kinds). */
export const Smoothed: Story = {
  args: { smoothing: 0.8, 'smoothing-kind': 'gaussian' },
  render: (args, context) =>
    chart(loadedStore({ seed: 2, studies: 1, trials: 4, steps: 300 }), args, context),
};

/** Live curves smoothed with a centred running average: the last points settle as new ones arrive. */
export const SmoothedLive: Story = {
  args: { smoothing: 0.7, 'smoothing-kind': 'running' },
  render: (args, context) => {
    const el = chart(undefined, args, context);
    el.store = liveStore(el, { seed: 4, studies: 1, trials: 4, steps: 400, intervalMs: 100 });
    return el;
  },
};

/** Forty trials grouped by optimizer: one mean line per optimizer over a min–max band (try `std`, `median`). */
export const Grouped: Story = {
  args: { 'group-by': 'optimizer' },
  render: (args, context) =>
    chart(loadedStore({ seed: 3, studies: 1, trials: 40, steps: 300 }), args, context),
};

/** A live search grouped by batch size: the groups' lines and bands grow as points arrive. */
export const GroupedLive: Story = {
  args: { 'group-by': 'batch_size', 'group-band': 'std' },
  render: (args, context) => {
    const el = chart(undefined, args, context);
    el.store = liveStore(el, { seed: 4, studies: 1, trials: 24, steps: 400, intervalMs: 100 });
    return el;
  },
};

/**
 * Accuracy against examples seen (`x-metric`): each point is placed at the trial's `samples_seen`
 * at its step, so trials with larger batches stretch further right than they do by step.
 */
export const AgainstAnotherMetric: Story = {
  args: { metric: 'accuracy' },
  render: (args, context) => {
    const store = loadedStore({ seed: 3, studies: 1, trials: 12, steps: 300 });
    for (const trial of store.trialsOf('study-1')) {
      const steps = Array.from(store.getSeries(trial.id, 'accuracy')?.steps ?? []);
      const batch = Number(trial.params.batch_size) || 32;
      store.appendPoints(
        trial.id,
        'samples_seen',
        steps,
        steps.map((s) => s * batch),
        steps.map(() => Date.now()),
      );
    }
    const el = chart(store, args, context);
    el.xMetric = 'samples_seen';
    return el;
  },
};

/** Two hundred trials: the legend lists the twenty best by the objective, a search box and "+180 more". */
export const TwoHundredTrials: Story = {
  render: (args, context) =>
    chart(loadedStore({ seed: 6, studies: 1, trials: 200, steps: 500 }), args, context),
};

/** `toPNG()`, `toSVG()` and `toCSV()` of what is shown (zoom in first to export a window). */
export const Export: Story = {
  render: (args, context) => {
    const el = chart(loadedStore({ seed: 2, studies: 1, trials: 6, steps: 200 }), args, context);
    const preview = document.createElement('div');
    const show = (node: Node) => preview.replaceChildren(node);
    const button = (label: string, run: () => Promise<Node>) => {
      const b = document.createElement('button');
      b.textContent = label;
      b.addEventListener('click', async () => show(await run()));
      return b;
    };
    const image = (blob: Blob) => {
      const img = document.createElement('img');
      img.alt = 'Exported chart';
      img.src = URL.createObjectURL(blob);
      img.style.maxWidth = '100%';
      return img;
    };
    const text = (content: string) => {
      const pre = document.createElement('pre');
      pre.textContent = content.slice(0, 4000);
      return pre;
    };
    const bar = document.createElement('div');
    bar.append(
      button('PNG', async () => image(await el.toPNG())),
      button('SVG', async () => image(new Blob([await el.toSVG()], { type: 'image/svg+xml' }))),
      button('CSV', async () => text(await el.toCSV())),
    );
    const root = document.createElement('div');
    root.append(el, bar, preview);
    return root;
  },
};

/** 100,000 trials in the study; the 300 with curves are drawn, every point. */
export const HundredThousandTrials: Story = {
  name: '100,000 trials',
  render: (args, context) =>
    chart(loadedStore({ seed: 5, studies: 1, trials: 100_000, curveTrials: 300, steps: 40 }), args, context),
};

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
    'highlight-flag': 'spectral_norm',
  },
  argTypes: {
    'y-scale': { control: 'inline-radio', options: ['linear', 'log'] },
    'x-axis': { control: 'inline-radio', options: ['step', 'wall', 'relative'] },
    smoothing: { control: { type: 'range', min: 0, max: 0.99, step: 0.01 } },
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
    highlightFlag: args['highlight-flag'],
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
/** 100,000 trials in the study; the 300 with curves are drawn, every point. */
export const HundredThousandTrials: Story = {
  name: '100,000 trials',
  render: (args, context) =>
    chart(loadedStore({ seed: 5, studies: 1, trials: 100_000, curveTrials: 300, steps: 40 }), args, context),
};

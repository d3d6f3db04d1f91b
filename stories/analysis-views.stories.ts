import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { TrialStore } from '../src/client/store.js';
import { defineAnalysisViews } from '../src/components/analysis/define-views.js';
import { type AnalysisStudyOptions, analysisStudy } from '../test/fixtures/analysis-study.js';
import { themeOf } from './support.js';

defineAnalysisViews();

type Story = StoryObj;

const meta: Meta = {
  title: 'Components/analysis views',
  parameters: { layout: 'padded' },
};
export default meta;

function storeOf(options: AnalysisStudyOptions): TrialStore {
  const store = new TrialStore();
  store.applyTrusted(analysisStudy(options));
  store.setConnection({ state: 'open' });
  return store;
}

/** All four views on one store: selection, hover and brushes pass between them as the dashboard passes them (importance ranks the brushed trials). */
function linked(options: AnalysisStudyOptions, context: { globals: Record<string, unknown> }): HTMLElement {
  const store = storeOf(options);
  const root = document.createElement('div');
  root.style.cssText = 'display:grid;gap:16px';
  const views = ['trial-parallel-coords', 'trial-param-importance', 'trial-history', 'trial-slice-plot'].map(
    (tag) => {
      const el = document.createElement(tag);
      Object.assign(el, { store, study: 'analysis', theme: themeOf(context) });
      return el;
    },
  );
  const set = (props: Record<string, unknown>) => {
    for (const el of views) Object.assign(el, props);
  };
  root.addEventListener('trial-select', (e) => set({ selected: e.trialIds }));
  root.addEventListener('trial-hover', (e) => set({ hovered: e.trialId }));
  root.addEventListener('trial-filter-change', (e) => set({ filters: e.filters }));
  root.append(...views);
  return root;
}

const single =
  (tag: string, options: AnalysisStudyOptions) =>
  (_args: unknown, context: { globals: Record<string, unknown> }) => {
    const el = document.createElement(tag);
    Object.assign(el, { store: storeOf(options), study: 'analysis', theme: themeOf(context) });
    return el;
  };

/** 500 trials, linked: brush an axis, hover or click a point. */
export const Linked: Story = {
  render: (_args, context) => linked({ trials: 500, unfinished: 0.1 }, context),
};

/** `<trial-parallel-coords>` on 2,000 trials. */
export const ParallelCoordinates: Story = { render: single('trial-parallel-coords', { trials: 2000 }) };

/** `<trial-param-importance>` on 500 trials: fANOVA in a Web Worker. */
export const ParamImportance: Story = { render: single('trial-param-importance', { trials: 500 }) };

/** `<trial-param-importance>` on 10,000 trials (the forest fitted in about a second, off the main thread). */
export const ParamImportanceLarge: Story = { render: single('trial-param-importance', { trials: 10_000 }) };

/** `<trial-slice-plot>` on 500 trials. */
export const SlicePlot: Story = { render: single('trial-slice-plot', { trials: 500 }) };

/** `<trial-history>` on 500 trials. */
export const History: Story = { render: single('trial-history', { trials: 500 }) };

/** `<trial-history second-metric>`: val_loss against a made-up latency (faster models fit worse), with the Pareto front. */
export const HistoryPareto: Story = {
  render: (_args, context) => {
    const store = storeOf({ trials: 500 });
    const trials = [...store.trials.values()];
    store.applyTrusted({
      v: 1,
      seq: 1,
      type: 'metrics.append',
      batches: trials.map((trial) => {
        const loss = store.lastValue(trial.id, 'val_loss') ?? 1;
        return {
          trialId: trial.id,
          key: 'latency_ms',
          steps: [0],
          values: [20 + 40 / (0.2 + loss)],
          timestamps: [0],
        };
      }),
    });
    const el = document.createElement('trial-history');
    Object.assign(el, { store, study: 'analysis', secondMetric: 'latency_ms', theme: themeOf(context) });
    return el;
  },
};

/** Bad input: missing params, text under a number, NaN and infinite objectives, an all-equal param. */
export const BadInput: Story = {
  render: (_args, context) => linked({ trials: 200, missing: 0.3, bad: true, unfinished: 0.2 }, context),
};

/** A single finished trial. */
export const SingleTrial: Story = { render: (_args, context) => linked({ trials: 1 }, context) };

/** 100,000 trials: the parallel coordinates draw a sample, the others a density, and say so. */
export const HundredThousand: Story = { render: (_args, context) => linked({ trials: 100_000 }, context) };

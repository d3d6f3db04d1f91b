import type { Meta, StoryObj } from '@storybook/web-components-vite';
import type { TrialStore } from '../src/client/store.js';
import { RunList } from '../src/components/run-list/run-list.js';
import { emptyStore, liveStore, loadedStore, loadingStore, themeOf } from './support.js';

RunList.define();

type Story = StoryObj;

const meta: Meta = {
  title: 'Components/trial-run-list',
  component: 'trial-run-list',
  parameters: { layout: 'padded' },
};
export default meta;

const list = (store: TrialStore | undefined, context: { globals: Record<string, unknown> }) => {
  const el = document.createElement('trial-run-list');
  Object.assign(el, { store, theme: themeOf(context) });
  el.style.height = '560px';
  el.style.width = '300px';
  return el;
};

export const Default: Story = {
  render: (_args, context) => list(loadedStore({ seed: 2, studies: 12, trials: 10 }), context),
};
export const Empty: Story = { render: (_args, context) => list(emptyStore(), context) };
export const Loading: Story = { render: (_args, context) => list(loadingStore(), context) };
export const Live: Story = {
  render: (_args, context) => {
    const el = list(undefined, context);
    el.store = liveStore(el, { seed: 4, studies: 6, trials: 20, steps: 80, intervalMs: 250 });
    return el;
  },
};
/** 10,000 studies (4 trials each, no curves): the list is virtualized. */
export const TenThousandStudies: Story = {
  name: '10,000 studies',
  render: (_args, context) =>
    list(loadedStore({ seed: 5, studies: 10_000, trials: 8, curveTrials: 0 }), context),
};

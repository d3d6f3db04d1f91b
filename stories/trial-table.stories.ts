import type { Meta, StoryObj } from '@storybook/web-components-vite';
import type { TrialStore } from '../src/client/store.js';
import { TrialStore as Store } from '../src/client/store.js';
import { TrialTable } from '../src/components/trial-table/trial-table.js';
import { emptyStore, liveStore, loadedStore, loadingStore, teamSnapshot, themeOf } from './support.js';

TrialTable.define();

type Story = StoryObj;

const meta: Meta = {
  title: 'Components/trial-table',
  component: 'trial-table',
  parameters: { layout: 'padded' },
  args: { 'mlflow-ui-url': 'http://127.0.0.1:5000' },
};
export default meta;

const table = (
  store: TrialStore | undefined,
  args: Record<string, unknown>,
  context: { globals: Record<string, unknown> },
) => {
  const el = document.createElement('trial-table');
  Object.assign(el, { store, study: 'study-1', mlflowUiUrl: args['mlflow-ui-url'], theme: themeOf(context) });
  el.style.height = '560px';
  return el;
};

export const Default: Story = {
  render: (args, context) => table(loadedStore({ seed: 2, studies: 1, trials: 60 }), args, context),
};
export const Empty: Story = { render: (args, context) => table(emptyStore(), args, context) };
export const Loading: Story = { render: (args, context) => table(loadingStore(), args, context) };
export const Live: Story = {
  render: (args, context) => {
    const el = table(undefined, args, context);
    el.store = liveStore(el, { seed: 4, studies: 1, trials: 40, steps: 200, intervalMs: 200 });
    return el;
  },
};
/** 100,000 trials, virtualized: sort, filter and scroll stay smooth. */
export const HundredThousandTrials: Story = {
  name: '100,000 trials',
  render: (args, context) =>
    table(
      loadedStore({ seed: 5, studies: 1, trials: 100_000, curveTrials: 2_000, steps: 10 }),
      args,
      context,
    ),
};

/** Stars, tags and comments in the team's columns; editable (edits are raised as `trial-edit`). */
export const TeamColumns: Story = {
  render: (args, context) => {
    const store = new Store();
    store.applyTrusted(teamSnapshot({ seed: 7, studies: 1, trials: 12, steps: 20 }));
    const el = table(store, args, context);
    Object.assign(el, {
      editable: true,
      columns: ['status', 'starred', 'number', 'name', 'tags', 'comments'],
    });
    el.addEventListener('trial-edit', (e) => console.info('trial-edit', e.edit));
    return el;
  },
};

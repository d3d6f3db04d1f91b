import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { TrialStore } from '../src/client/store.js';
import { TrialDashboard } from '../src/components/trial-dashboard/trial-dashboard.js';
import {
  emptyStore,
  failingStore,
  liveStore,
  loadedStore,
  loadingStore,
  teamProducer,
  teamSnapshot,
  themeOf,
} from './support.js';

TrialDashboard.define();

type Story = StoryObj;

const meta: Meta = {
  title: 'Components/trial-dashboard',
  component: 'trial-dashboard',
  parameters: { layout: 'fullscreen' },
};
export default meta;

const dashboard = (
  store: TrialStore | undefined,
  context: { globals: Record<string, unknown> },
  extra: Partial<TrialDashboard> = {},
) => {
  const el = document.createElement('trial-dashboard');
  Object.assign(el, { store, theme: themeOf(context), ...extra });
  return el;
};

/** Three studies; the newest is running with 40 trials. */
export const Default: Story = {
  render: (_args, context) => dashboard(loadedStore({ seed: 7, studies: 3, trials: 40 }), context),
};

/** Two trials selected and compared: overlaid curves and their parameters side by side. */
export const Compare: Story = {
  render: (_args, context) =>
    dashboard(loadedStore({ seed: 7, studies: 3, trials: 40 }), context, {
      selected: ['study-3-t4', 'study-3-t9', 'study-3-t12'],
      compare: true,
    }),
};

/** The Analysis tab open: parallel coordinates, history and slices of the running study. */
export const Analysis: Story = {
  render: (_args, context) => {
    const el = dashboard(loadedStore({ seed: 7, studies: 3, trials: 120 }), context);
    void el.updateComplete.then(() => el.shadowRoot?.querySelector<HTMLElement>('#tab-analysis')?.click());
    return el;
  },
};

/**
 * A team at work, signed in as "ana": stars and tags in the table, the thread and annotations of
 * the selected trial (markers on its curves); click a curve point to annotate it.
 */
export const Team: Story = {
  render: (_args, context) => {
    const snapshot = teamSnapshot({ seed: 7, studies: 1, trials: 12, steps: 40 });
    const first = snapshot.trials.find((t) => t.comments);
    return dashboard(undefined, context, {
      source: teamProducer(snapshot),
      viewer: { name: 'ana' },
      selected: first ? [first.id] : [],
    });
  },
};

/** The same study from a source that cannot write: the controls are disabled and say why. */
export const TeamReadOnly: Story = {
  render: (_args, context) => {
    const store = new TrialStore();
    const snapshot = teamSnapshot({ seed: 7, studies: 1, trials: 12, steps: 40 });
    store.applyTrusted(snapshot);
    const first = snapshot.trials.find((t) => t.comments);
    return dashboard(store, context, { selected: first ? [first.id] : [] });
  },
};

/** Curves smoothed with a Gaussian (the picker beside the slider); export buttons in each chart's header. */
export const Smoothed: Story = {
  render: (_args, context) =>
    dashboard(loadedStore({ seed: 7, studies: 3, trials: 40 }), context, {
      smoothing: 0.8,
      smoothingKind: 'gaussian',
    }),
};

/** The source answered but holds no study yet. */
export const Empty: Story = { render: (_args, context) => dashboard(emptyStore(), context) };

/** Waiting for the first event: skeletons. */
export const Loading: Story = { render: (_args, context) => dashboard(loadingStore(), context) };

/** Running trials log a step every 250 ms; finished trials are replaced by pending ones. */
export const Live: Story = {
  render: (_args, context) => {
    const el = dashboard(undefined, context, {
      alertRules: [{ metric: 'val_loss', op: '<', value: 0.3, label: 'val_loss below 0.3' }],
    });
    el.store = liveStore(el, { seed: 11, studies: 2, trials: 30, steps: 120, intervalMs: 250 });
    return el;
  },
};

/** 100,000 trials in one study (the first 300 with curves, to keep the page's memory modest). */
export const HundredThousandTrials: Story = {
  name: '100,000 trials',
  render: (_args, context) =>
    dashboard(loadedStore({ seed: 5, studies: 1, trials: 100_000, curveTrials: 300, steps: 40 }), context),
};

/** The source dropped and is reconnecting, and one malformed event was ignored. */
export const ErrorState: Story = {
  name: 'Error',
  render: (_args, context) => dashboard(failingStore({ seed: 7, studies: 2, trials: 20 }), context),
};

/** Drop-in use: nothing but an SSE URL (here none answers, so it keeps reconnecting). */
export const FromSseAttribute: Story = {
  name: 'Wired by src attribute',
  render: (_args, context) =>
    html`<trial-dashboard src="/events" theme=${themeOf(context)}></trial-dashboard>`,
};

import type { Meta, StoryObj } from '@storybook/web-components-vite';
import type { TrialStore } from '../src/client/store.js';
import { TrialDashboard } from '../src/components/trial-dashboard/trial-dashboard.js';
import { presenceStore } from '../test/fixtures/presence.js';
import { themeOf } from './support.js';

TrialDashboard.define();

type Story = StoryObj;

/** The dashboard header's presence area: who else watches the study, or why that is unknown. */
const meta: Meta = {
  title: 'Components/trial-dashboard/Presence',
  component: 'trial-dashboard',
  parameters: { layout: 'fullscreen' },
};
export default meta;

const dashboard = (store: TrialStore, context: { globals: Record<string, unknown> }) => {
  const el = document.createElement('trial-dashboard');
  Object.assign(el, { store, theme: themeOf(context), viewerName: 'Me Myself' });
  return el;
};

/** Seven named viewers (one in two tabs), this tab first, and three anonymous; hover or focus for names. */
export const SeveralViewers: Story = {
  render: (_args, context) => dashboard(presenceStore({ self: 'Me Myself', anonymous: 3 }), context),
};

/** Only this tab: what an in-process source (the sync engine in the page) shows. */
export const OnlyYou: Story = {
  render: (_args, context) => dashboard(presenceStore({ self: 'Me Myself', viewers: [] }), context),
};

/** A hostile name is shown as the text it is. */
export const HostileName: Story = {
  render: (_args, context) =>
    dashboard(
      presenceStore({ viewers: [{ name: '<img src=x onerror=alert(1)>', color: '#c62828' }] }),
      context,
    ),
};

/** A source that cannot share presence (polling MLflow directly) says so, with the reason on hover and focus. */
export const Unavailable: Story = {
  render: (_args, context) => {
    const store = presenceStore();
    store.presence.setStatus({
      state: 'unavailable',
      reason:
        'Each tab polls MLflow on its own, so other viewers cannot be seen. Serve the dashboard with trialkit serve to share presence.',
    });
    return dashboard(store, context);
  },
};

// Every story: the Custom Elements Manifest feeds Docs' argument tables, the components are
// registered once, and a toolbar switch sets the shared theme on the page.

import type { Preview } from '@storybook/web-components-vite';
import { setCustomElementsManifest } from '@storybook/web-components-vite';
import manifest from '../custom-elements.json';
import '../src/components/define.js';
import { TrialDashboard } from '../src/components/trial-dashboard/trial-dashboard.js';

setCustomElementsManifest(manifest);
// define.ts is filled by the lead; registering here as well is idempotent and keeps stories working.
TrialDashboard.define();

const preview: Preview = {
  tags: ['autodocs'],
  globalTypes: {
    theme: {
      description: 'Colour scheme of the components',
      toolbar: { title: 'Theme', icon: 'contrast', items: ['light', 'dark'], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'light' },
  decorators: [
    (story, context) => {
      const theme = context.globals.theme === 'dark' ? 'dark' : 'light';
      document.documentElement.style.colorScheme = theme;
      document.body.style.background = theme === 'dark' ? '#111418' : '#ffffff';
      document.body.dataset.theme = theme;
      return story();
    },
  ],
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true },
  },
};

export default preview;

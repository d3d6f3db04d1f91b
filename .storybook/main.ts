// Storybook for trialkit's components: web-components on Vite, stories in /stories. The build runs
// offline (CI, sandboxes): no telemetry (the npm scripts pass --disable-telemetry) and no addons
// that fetch at build time.
import type { StorybookConfig } from '@storybook/web-components-vite';

const config: StorybookConfig = {
  framework: { name: '@storybook/web-components-vite', options: {} },
  stories: ['../stories/**/*.stories.ts'],
  // Docs pages: argument tables from custom-elements.json (see preview.ts).
  addons: ['@storybook/addon-docs'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  docs: {},
  // Lit's decorators are compiled by esbuild with the tsconfig's experimentalDecorators.
  viteFinal: async (viteConfig) => viteConfig,
};

export default config;

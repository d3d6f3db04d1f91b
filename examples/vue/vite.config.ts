import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// trialkit's tags are custom elements, not Vue components: Vue renders them as they are and sets
// their known properties (objects pass as they are). The dashboard's server paths come from a
// trialkit server during `npm run dev` (`npm start` in the repository); TRIALKIT_URL points
// elsewhere. /events is the live stream, /series the windows charts fetch as they zoom, /presence
// who else is watching.
const trialkit = process.env.TRIALKIT_URL ?? 'http://127.0.0.1:5177';

export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('trial-') } } })],
  server: {
    // changeOrigin: false keeps the page's Host, which the server checks a write's Origin against
    // (Vite's shorthand swaps in the target's, and edits and presence would be refused).
    proxy: Object.fromEntries(
      ['/events', '/series', '/presence'].map((path) => [path, { target: trialkit, changeOrigin: false }]),
    ),
  },
});

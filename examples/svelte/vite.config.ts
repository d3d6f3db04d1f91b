import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// The dashboard's server paths come from a trialkit server during `npm run dev` (`npm start` in
// the repository); TRIALKIT_URL points elsewhere. /events is the live stream, /series the windows
// charts fetch as they zoom, /presence who else is watching.
const trialkit = process.env.TRIALKIT_URL ?? 'http://127.0.0.1:5177';

export default defineConfig({
  plugins: [svelte()],
  server: {
    // changeOrigin: false keeps the page's Host, which the server checks a write's Origin against
    // (Vite's shorthand swaps in the target's, and edits and presence would be refused).
    proxy: Object.fromEntries(
      ['/events', '/series', '/presence'].map((path) => [path, { target: trialkit, changeOrigin: false }]),
    ),
  },
});

import { defineConfig } from 'vite';

// During `npm run dev`, the dashboard's server paths come from a trialkit server: `npm start` in the
// repository, or `npx trialkit serve --mlflow <uri>`. TRIALKIT_URL points elsewhere. /events is
// the live stream (and edits), /series the windows charts fetch as they zoom, /presence who else is
// watching. `changeOrigin: false` keeps the page's Host header, which the server checks a write's
// Origin against: Vite's shorthand would swap in the target's, and edits and presence would be refused.
const trialkit = process.env.TRIALKIT_URL ?? 'http://127.0.0.1:5177';

export default defineConfig({
  server: {
    proxy: Object.fromEntries(
      ['/events', '/series', '/presence'].map((path) => [path, { target: trialkit, changeOrigin: false }]),
    ),
  },
});

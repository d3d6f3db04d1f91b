import { defineConfig } from 'vite';

// During `npm run dev`, /events comes from a trialkit server: `npm start` in the repository, or
// `npx trialkit serve --mlflow <uri>`. TRIALKIT_URL points elsewhere.
export default defineConfig({
  server: {
    proxy: { '/events': process.env.TRIALKIT_URL ?? 'http://127.0.0.1:5177' },
  },
});

import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// /events comes from a trialkit server during `npm run dev` (`npm start` in the repository);
// TRIALKIT_URL points elsewhere.
export default defineConfig({
  plugins: [svelte()],
  server: {
    proxy: Object.fromEntries(['/events', '/series', '/presence'].map((path) => [path, trialkit])),
  },
});

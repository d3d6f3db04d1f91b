/** @jsxImportSource solid-js */
// Type tests, checked by `npm run typecheck` (never run): a wrong prop or event type must fail.
// Each `@ts-expect-error` fails the check if its line stops being an error.
import type { JSX } from 'solid-js';
import type { TrialStore } from 'trialkit/client';
import type { Trial } from 'trialkit/protocol';
import type {} from 'trialkit/types/solid';

const keep = (trial: Trial) => trial.id;

export const tags = (store: TrialStore): JSX.Element[] => [
  <trial-dashboard store={store} highlightFlag="x" on:trial-finished={(event) => keep(event.trial)} />,
  <trial-table store={store} on:trial-select={(event) => event.trialIds.length} />,
  <trial-run-list store={store} on:study-select={(event) => event.studyId.length} />,
  <trial-metrics-chart store={store} smoothing={0.5} on:zoom-change={(event) => event.x} />,
  // @ts-expect-error a misspelt property
  <trial-dashboard highlightFlags="x" />,
  // @ts-expect-error `store` is a TrialStore, not a string
  <trial-dashboard store="events" />,
  // @ts-expect-error `trial-finished` carries a trial, not a study id
  <trial-dashboard on:trial-finished={(event) => event.studyId} />,
];

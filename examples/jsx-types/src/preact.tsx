/** @jsxImportSource preact */
// Type tests, checked by `npm run typecheck` (never run): a wrong prop or event type must fail.
// Each `@ts-expect-error` fails the check if its line stops being an error.
import type { JSX } from 'preact';
import type { TrialStore } from 'trialkit/client';
import type { Trial } from 'trialkit/protocol';
import type {} from 'trialkit/types/preact';

const keep = (trial: Trial) => trial.id;

export const tags = (store: TrialStore): JSX.Element[] => [
  <trial-dashboard store={store} highlightFlag="x" ontrial-finished={(event) => keep(event.trial)} />,
  <trial-table store={store} ontrial-select={(event) => event.trialIds.length} />,
  <trial-run-list store={store} onstudy-select={(event) => event.studyId.length} />,
  <trial-metrics-chart store={store} smoothing={0.5} onzoom-change={(event) => event.x} />,
  // @ts-expect-error a misspelt property
  <trial-dashboard highlightFlags="x" />,
  // @ts-expect-error `store` is a TrialStore, not a string
  <trial-dashboard store="events" />,
  // @ts-expect-error `trial-finished` carries a trial, not a study id
  <trial-dashboard ontrial-finished={(event) => event.studyId} />,
];

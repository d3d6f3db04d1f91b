// Type tests, checked by `npm run typecheck` (never run): a wrong prop or event type must fail.
// Each `@ts-expect-error` fails the check if its line stops being an error.
import type { JSX } from 'react';
import type { TrialStore } from 'trialkit/client';
import type { Trial } from 'trialkit/protocol';
import { TrialDashboard, TrialMetricsChart, TrialRunList, TrialTable } from 'trialkit/react';
import type {} from 'trialkit/types/react';

export function wrappers(store: TrialStore): JSX.Element[] {
  return [
    <TrialDashboard
      key="dashboard"
      store={store}
      highlightFlag="spectral_norm"
      onTrialFinished={(event) => {
        const trial: Trial = event.trial;
        const before: Trial['status'] = event.previousStatus;
        return [trial, before];
      }}
      onViewChange={(event) => event.query.toString()}
    />,
    // @ts-expect-error a misspelt property
    <TrialDashboard key="misspelt" highlightFlags="x" />,
    // @ts-expect-error `store` is a TrialStore, not a string
    <TrialDashboard key="store" store="events" />,
    // @ts-expect-error `trial-finished` carries a trial, not a study id
    <TrialDashboard key="event" onTrialFinished={(event) => event.studyId} />,
    <TrialTable key="table" store={store} onTrialSelect={(event) => event.trialIds.length} />,
    <TrialRunList key="list" store={store} onStudySelect={(event) => event.studyId.length} />,
    <TrialMetricsChart key="chart" store={store} metric="val_loss" onZoomChange={(event) => event.type} />,
    // @ts-expect-error the chart raises no `study-select`
    <TrialMetricsChart key="chart-event" onStudySelect={() => undefined} />,
  ];
}

export function tags(store: TrialStore): JSX.Element[] {
  return [
    <trial-dashboard
      key="dashboard"
      store={store}
      highlightFlag="spectral_norm"
      ontrial-finished={(event) => event.trial.number}
      onview-change={(event) => event.state.study}
    />,
    <trial-table key="table" store={store} ontrial-select={(event) => event.trialIds} />,
    <trial-run-list key="list" store={store} onstudy-select={(event) => event.studyId} />,
    <trial-metrics-chart key="chart" store={store} ontrial-pin={(event) => event.type} />,
    // @ts-expect-error a misspelt property
    <trial-dashboard key="misspelt" highlightFlags="x" />,
    // @ts-expect-error `trial-finished` carries a trial, not a study id
    <trial-dashboard key="event" ontrial-finished={(event) => event.studyId} />,
    // @ts-expect-error `smoothing` is a number
    <trial-metrics-chart key="smoothing" smoothing="0.5" />,
  ];
}

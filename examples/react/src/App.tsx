import { useEffect, useMemo, useState } from 'react';
import { connectSse, TrialStore } from 'trialkit/client';
import {
  type AlertRule,
  fromQuery,
  type TrialAlertEvent,
  type TrialFinishedEvent,
  type ViewChangeEvent,
} from 'trialkit/components';
import { TrialDashboard } from 'trialkit/react';
import { navigate, useQuery } from './query-router.js';

/** Tell me when a trial gets good: `trial-alert` fires once per trial that meets a rule. */
const alertRules: AlertRule[] = [{ metric: 'val_loss', op: '<', value: 0.5, label: 'val_loss under 0.5' }];

/**
 * The app owns the store (so other parts of the page can read it too) and feeds it from the
 * server's event stream; the dashboard renders it and reports what happens as DOM events.
 * The app's router owns the URL: the dashboard's view goes into the query on `view-change` and
 * comes back through `view` when the URL changes (back, forward, a pasted link).
 */
export function App() {
  const store = useMemo(() => new TrialStore(), []);
  const [news, setNews] = useState('waiting for trials…');
  const query = useQuery();
  // One object per query: React sets `view` only when the URL changed, not on every render.
  const view = useMemo(() => fromQuery(query), [query]);

  useEffect(() => {
    const source = connectSse(store, '/events');
    return () => source.close();
  }, [store]);

  const onFinished = (event: TrialFinishedEvent) =>
    setNews(`trial #${event.trial.number} ${event.trial.status} (was ${event.previousStatus})`);
  const onAlert = (event: TrialAlertEvent) =>
    setNews(`${event.rule.label ?? event.rule.metric}: trial #${event.trial.number} at step ${event.step}`);
  // Another study is worth a back step; zoom, selection and the rest replace the current entry.
  const onViewChange = (event: ViewChangeEvent) =>
    navigate(event.query, event.state.study !== view.study ? 'push' : 'replace');

  return (
    <main style={{ display: 'grid', gridTemplateRows: '1fr auto', height: '100%' }}>
      <TrialDashboard
        store={store}
        alertRules={alertRules}
        highlightFlag="spectral_norm"
        view={view}
        onTrialFinished={onFinished}
        onTrialAlert={onAlert}
        onViewChange={onViewChange}
      />
      <p aria-live="polite" style={{ margin: 0, padding: '0.5rem 1rem' }}>
        {news}
      </p>
    </main>
  );
}

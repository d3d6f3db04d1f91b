import { useEffect, useMemo, useState } from 'react';
import { connectSse, TrialStore } from 'trialkit/client';
import type { AlertRule, TrialAlertEvent, TrialFinishedEvent } from 'trialkit/components';

/** Tell me when a trial gets good: `trial-alert` fires once per trial that meets a rule. */
const alertRules: AlertRule[] = [{ metric: 'val_loss', op: '<', value: 0.5, label: 'val_loss under 0.5' }];

/**
 * The app owns the store (so other parts of the page can read it too) and feeds it from the
 * server's event stream; the dashboard renders it and reports what happens as DOM events.
 */
export function App() {
  const store = useMemo(() => new TrialStore(), []);
  const [news, setNews] = useState('waiting for trials…');

  useEffect(() => {
    const source = connectSse(store, '/events');
    return () => source.close();
  }, [store]);

  const onFinished = (event: TrialFinishedEvent) =>
    setNews(`trial #${event.trial.number} ${event.trial.status} (was ${event.previousStatus})`);
  const onAlert = (event: TrialAlertEvent) =>
    setNews(`${event.rule.label ?? event.rule.metric}: trial #${event.trial.number} at step ${event.step}`);

  return (
    <main style={{ display: 'grid', gridTemplateRows: '1fr auto', height: '100%' }}>
      <trial-dashboard
        store={store}
        alertRules={alertRules}
        highlightFlag="spectral_norm"
        ontrial-finished={onFinished}
        ontrial-alert={onAlert}
      />
      <p aria-live="polite" style={{ margin: 0, padding: '0.5rem 1rem' }}>
        {news}
      </p>
    </main>
  );
}

// Types <trial-dashboard> in JSX. React 19 sets a custom element's known properties (so objects
// such as `store` and `alertRules` pass as they are) and listens to `on<event-name>` props.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { TrialAlertEvent, TrialDashboard, TrialFinishedEvent, ViewChangeEvent } from 'trialkit/components';

type DashboardProps = Partial<
  Pick<
    TrialDashboard,
    | 'src'
    | 'mlflow'
    | 'experiment'
    | 'mlflowUiUrl'
    | 'study'
    | 'metrics'
    | 'store'
    | 'source'
    | 'alertRules'
    | 'highlightFlag'
    | 'compare'
    | 'notifications'
    | 'theme'
    | 'view'
  >
>;

interface DashboardEvents {
  'ontrial-finished'?: (event: TrialFinishedEvent) => void;
  'ontrial-alert'?: (event: TrialAlertEvent) => void;
  'onview-change'?: (event: ViewChangeEvent) => void;
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'trial-dashboard': DetailedHTMLProps<HTMLAttributes<TrialDashboard>, TrialDashboard> &
        DashboardProps &
        DashboardEvents;
    }
  }
}

export { MetricSeries, seriesId } from './series.js';
export {
  type ConnectionStatus,
  type SeriesChange,
  type StoreChange,
  type StoreListener,
  TrialStore,
  type TrialStoreOptions,
  type TrialSyncStatus,
} from './store.js';

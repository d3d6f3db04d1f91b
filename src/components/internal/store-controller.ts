/**
 * Connects a component to a `TrialStore`: subscribes while the host is connected, hands each
 * coalesced change to `onChange`, and asks the host to re-render. Every trialkit component
 * reads its store through one of these.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StoreChange, TrialStore } from '../../client/index.js';

export interface StoreControllerOptions {
  /** Runs for each change before the host re-renders; return false to skip the re-render. */
  onChange?: (change: StoreChange, store: TrialStore) => boolean | undefined;
}

export class StoreController implements ReactiveController {
  private _store?: TrialStore;
  private unsubscribe?: () => void;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: StoreControllerOptions = {},
  ) {
    host.addController(this);
  }

  get store(): TrialStore | undefined {
    return this._store;
  }

  /** Points the controller at another store (or none); call it from the host's `store` setter or `willUpdate`. */
  set store(store: TrialStore | undefined) {
    if (store === this._store) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this._store = store;
    if (this.connected) this.listen();
  }

  hostConnected(): void {
    this.connected = true;
    this.listen();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private listen(): void {
    if (!this._store || this.unsubscribe) return;
    this.unsubscribe = this._store.subscribe((change, store) => {
      if (this.options.onChange?.(change, store) === false) return;
      this.host.requestUpdate();
    });
  }
}

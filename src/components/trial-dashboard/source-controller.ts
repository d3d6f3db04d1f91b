/**
 * Opens the connection a dashboard was wired to — an SSE URL, an MLflow server and experiment, or
 * an in-process producer — and closes it when the host leaves the page or is rewired. It closes
 * only what it opened: a store the host app passes in and feeds itself is left alone.
 *
 * The store and sources load on demand (`import()` of `live.ts`, with the chart's code), so
 * registering the components costs a page no validation code until a dashboard connects somewhere.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConnectOptions, SourceHandle, TrialStore } from '../../client/index.js';

/** Where the data comes from: `trialkit/client`'s connect options. */
export type Wiring = ConnectOptions;

/** True when the wiring names a connection to open (the same rule as `trialkit/client`'s). */
function wantsConnection(wiring: Wiring): boolean {
  return !!(wiring.source || wiring.src || (wiring.mlflow && wiring.experiment));
}

export class SourceController implements ReactiveController {
  private handle?: SourceHandle;
  private opened?: Wiring;
  private ownStore?: TrialStore;
  /** Bumped by every open and close, so a connection that finishes loading late is dropped. */
  private generation = 0;
  /** Why the connection could not be opened (its module failed to load, or the source threw). */
  error?: Error;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly wiring: () => Wiring,
  ) {
    host.addController(this);
  }

  /** The store to render: the host's, else the one made for the open connection. */
  get store(): TrialStore | undefined {
    return this.wiring().store ?? this.ownStore;
  }

  /** True while a wired connection is still loading: show a loading state, not "no source". */
  get pending(): boolean {
    return !!this.opened && wantsConnection(this.opened) && !this.handle && !this.error;
  }

  hostConnected(): void {
    this.update();
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.close();
  }

  /** Reconnects when the wiring changed since the last call; call it from the host's `willUpdate`. */
  update(): void {
    const next = this.wiring();
    if (this.opened && sameWiring(this.opened, next)) return;
    this.close();
    this.opened = next;
    if (!wantsConnection(next)) return;
    const generation = this.generation;
    import('./live.js')
      .then(({ connect }) => connect(next))
      .then(({ store, handle }) => {
        // Closed or rewired while loading: this connection is no longer wanted.
        if (generation !== this.generation) return handle.close();
        this.handle = handle;
        this.ownStore = next.store ? undefined : store;
      })
      .catch((err: unknown) => {
        if (generation === this.generation) this.error = err instanceof Error ? err : new Error(String(err));
      })
      .finally(() => this.host.requestUpdate());
  }

  private close(): void {
    this.generation++;
    this.handle?.close();
    this.handle = undefined;
    this.opened = undefined;
    this.ownStore = undefined;
    this.error = undefined;
  }
}

function sameWiring(a: Wiring, b: Wiring): boolean {
  return (
    a.source === b.source &&
    a.src === b.src &&
    a.mlflow === b.mlflow &&
    a.experiment === b.experiment &&
    a.pollIntervalMs === b.pollIntervalMs &&
    a.studies === b.studies &&
    a.store === b.store
  );
}

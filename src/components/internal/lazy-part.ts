/**
 * Code a component loads the first time a part of it shows (the dashboard's comparison, Analysis
 * panel, presence and notes, the table's "Add filter" form), with the styles that part needs: most
 * visits never show it, so the page does not pay for it up front. Until the module arrives the
 * part renders a status line; then the host renders again, its shadow root having adopted the
 * module's styles.
 */
import { adoptStyles, type CSSResult, type LitElement } from 'lit';

/** What a lazily loaded part exports besides its templates. */
export interface PartModule {
  readonly styles: CSSResult;
}

export class LazyPart<M extends PartModule> {
  private module?: M;
  private loading?: Promise<void>;
  /** Why the module could not be loaded; it is not asked for again (reloading the page does). */
  private failure?: Error;

  constructor(
    private readonly host: LitElement,
    private readonly load: () => Promise<M>,
    /** Runs once the module has arrived, before the host renders again (for parts drawn outside its render). */
    private readonly arrived?: (module: M) => void,
  ) {}

  /** The module, or undefined while it loads (the first call starts loading it). */
  get(): M | undefined {
    this.loading ??= this.load().then((module) => {
      const root = this.host.renderRoot;
      const sheet = module.styles.styleSheet;
      if (sheet && root instanceof ShadowRoot) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      // Without constructable style sheets Lit appends a <style> (carrying the page's nonce).
      else if (root instanceof ShadowRoot) adoptStyles(root, [module.styles]);
      this.module = module;
      this.arrived?.(module);
      this.host.requestUpdate();
    }, this.fail);
    return this.module;
  }

  /** What the part shows until its module arrives: that it is loading `what`, or why it could not. */
  status(what: string): string {
    return this.failure ? `Could not load ${what}: ${this.failure.message}` : `Loading ${what}…`;
  }

  private readonly fail = (err: unknown): void => {
    this.failure = err instanceof Error ? err : new Error(String(err));
    this.host.requestUpdate();
  };

  /** The module if it has arrived, without asking for it. */
  get loaded(): M | undefined {
    return this.module;
  }

  /** Whether the module could not be loaded. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Resolves once a load that was asked for has arrived (undefined when none is under way). */
  get arriving(): Promise<void> | undefined {
    return this.module ? undefined : this.loading;
  }
}

/**
 * For a host's `getUpdateComplete`: once its update is `done`, waits for the code its lazy parts
 * asked for (`arriving`) and then for the update that follows (`again`).
 */
export async function afterArrivals(
  done: boolean,
  arriving: readonly (Promise<unknown> | undefined)[],
  again: () => Promise<boolean>,
): Promise<boolean> {
  const pending = arriving.filter((p) => p !== undefined);
  if (pending.length === 0) return done;
  await Promise.all(pending);
  return again();
}

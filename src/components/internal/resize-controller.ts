/**
 * Tracks the content-box size of an element with a ResizeObserver and re-renders the host when it
 * changes. The first size is measured synchronously (`measure()`), because a ResizeObserver only
 * reports after the next layout, one frame too late for a chart's first paint.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface ResizeControllerOptions {
  /** The element to watch; defaults to the host. Called again until it returns an element. */
  target?: () => Element | null | undefined;
  /** Runs when the observed size changes, before the host is asked to update. */
  onResize?: (size: Size) => void;
}

export class ResizeController implements ReactiveController {
  /** The last size seen, in CSS pixels; undefined before the first measurement. */
  value?: Size;
  private observer?: ResizeObserver;
  private observed?: Element;

  constructor(
    private readonly host: ReactiveControllerHost & Element,
    private readonly options: ResizeControllerOptions = {},
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.observe();
  }

  /** The target may only exist after the first render. */
  hostUpdated(): void {
    this.observe();
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    this.observed = undefined;
  }

  /** Reads the target's size now (forcing layout if needed) and records it. */
  measure(): Size | undefined {
    const target = this.target();
    if (!target) return undefined;
    const rect = target.getBoundingClientRect();
    this.value = { width: rect.width, height: rect.height };
    return this.value;
  }

  private target(): Element | null | undefined {
    return this.options.target ? this.options.target() : this.host;
  }

  private observe(): void {
    const target = this.target();
    if (!target || target === this.observed || typeof ResizeObserver === 'undefined') return;
    this.observer ??= new ResizeObserver((entries) => this.onEntries(entries));
    if (this.observed) this.observer.unobserve(this.observed);
    this.observer.observe(target);
    this.observed = target;
  }

  private onEntries(entries: ResizeObserverEntry[]): void {
    const box = entries[entries.length - 1]?.contentRect;
    if (!box) return;
    if (this.value && this.value.width === box.width && this.value.height === box.height) return;
    this.value = { width: box.width, height: box.height };
    this.options.onResize?.(this.value);
    this.host.requestUpdate();
  }
}

/**
 * Work done in short slices while the page is idle, so that a long job (the table's search text
 * for 100,000 trials) never stalls a frame. Stops when the host leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class IdleSlicesController implements ReactiveController {
  private handle?: number;

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Runs `slice(budgetMs)` in idle time until it returns `true`; drops the slices of an earlier start. */
  start(slice: (budgetMs: number) => boolean): void {
    this.cancel();
    const step = (deadline?: IdleDeadline) => {
      const budget = deadline ? Math.max(1, deadline.timeRemaining() - 1) : 4;
      this.handle = slice(budget) ? undefined : whenIdle(step);
    };
    this.handle = whenIdle(step);
  }

  /** Drops the slices not yet run. */
  cancel(): void {
    if (this.handle === undefined) return;
    if (typeof cancelIdleCallback === 'function') cancelIdleCallback(this.handle);
    else clearTimeout(this.handle);
    this.handle = undefined;
  }

  hostDisconnected(): void {
    this.cancel();
  }
}

/** `requestIdleCallback` where there is one (Safari has none), else a short timer. */
function whenIdle(callback: (deadline?: IdleDeadline) => void): number {
  return typeof requestIdleCallback === 'function'
    ? requestIdleCallback(callback)
    : (setTimeout(callback, 50) as unknown as number);
}

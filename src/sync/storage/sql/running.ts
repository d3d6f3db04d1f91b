/**
 * The operations running on a store's driver, so closing waits for them: PGlite's `close()`
 * shuts the database down once its own locks are free, and a statement arriving then runs into
 * the shutdown (a directory left that way may not open again). Once closing, new operations are
 * refused with a {@link StorageClosedError}.
 */
import { StorageClosedError } from '../../errors.js';

export class Running {
  private count = 0;
  private closing = false;
  private drained?: () => void;

  /** Runs `fn` as one operation; refused once closing began. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closing) throw new StorageClosedError();
    this.count++;
    try {
      return await fn();
    } finally {
      if (--this.count === 0) this.drained?.();
    }
  }

  /** Refuses new operations and resolves once the running ones are done. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.count > 0) await new Promise<void>((resolve) => (this.drained = resolve));
  }
}

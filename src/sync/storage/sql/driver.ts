/** What the SQL adapter needs of a database driver, and how its query modules reach it. */

/** Something that runs one parameterised SQL statement. */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** What an adapter gives the shared SQL code: queries, transactions, and a way to close. */
export interface SqlDriver extends Queryable {
  transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Where several processes share the database: the NOTIFY channel, and a way to LISTEN on it. */
  changes?: {
    channel: string;
    listen(
      onPayload: (payload: string) => void,
      onResume?: (awayMs: number) => void,
    ): Promise<() => Promise<void>>;
  };
}

/** Runs `fn` with a connection: the pool's, or the open transaction's. */
export type Run = <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>;

/** A {@link Run} on one connection (inside a transaction, every query goes to it). */
export const bound =
  (q: Queryable): Run =>
  (fn) =>
    fn(q);

/**
 * How a query module reaches the database. `one` runs a single statement; `atomic` runs several
 * in one transaction (inside an open transaction both are that transaction). `afterCommit` runs
 * `fn` once what was written so far is committed: at once outside a transaction (an `atomic`
 * that resolved has committed), after the open transaction commits inside one, never if it rolls back.
 */
export interface Db {
  one: Run;
  atomic: Run;
  afterCommit(fn: () => void): void;
}

/** The rows of one statement. */
export function rowsOf(db: Db): <R>(text: string, params?: unknown[]) => Promise<R[]> {
  return (text, params) => db.one(async (q) => (await q.query(text, params)).rows as never);
}

/**
 * Runs the importance computation off the page's main thread: a few Web Workers per page (one a
 * core, at most 4) sharing each forest's trees, started lazily from the fANOVA program's own source
 * text (a `blob:` URL), so host apps need no bundler set-up. Where a worker cannot start (no `Worker`, or a Content-Security-Policy without
 * `worker-src blob:`), the computation runs in the page after yielding, and says so.
 */
import type { fanovaProgram } from './fanova.js';
import type { ImportanceInput, ImportanceOptions, ImportanceResult } from './importance-types.js';

/** Where a result was computed: `worker`, or `page` when no worker could start. */
export type ImportanceVenue = 'worker' | 'page';

/** The computation failed (a bug or input outside the contract); `cause` keeps what was thrown. */
export class ImportanceError extends Error {
  override readonly name = 'ImportanceError';
}

/** The worker's script: the program, and a handler answering each request by its id. */
function workerSource(program: typeof fanovaProgram): string {
  return `"use strict";
const program = (${program.toString()})();
// Grow a small forest at once, so that the first real request finds the hot loops compiled.
(() => {
  const n = 2000, values = (f) => Float64Array.from({ length: n }, (_, i) => f(i));
  const x = values((i) => (i * 7919) % 1000 / 1000), y = values((i) => (i * 104729) % 997 / 997);
  const c = values((i) => (i * 31) % 5);
  program.computeImportance({
    params: [
      { name: 'x', kind: 'numeric', values: x, low: 0, high: 1, categories: 0 },
      { name: 'y', kind: 'numeric', values: y, low: 0, high: 1, categories: 0 },
      { name: 'c', kind: 'categorical', values: c, low: 0, high: 4, categories: 5 },
    ],
    target: values((i) => x[i] * 3 + y[i] + c[i] * 0.5 + (i % 13) / 13),
  }, { trees: 2 });
})();
onmessage = (event) => {
  const { id, input, options } = event.data;
  try {
    postMessage({ id, result: program.computeImportance(input, options) });
  } catch (error) {
    postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
};`;
}

interface Pending {
  resolve(result: ImportanceResult): void;
  reject(error: Error): void;
  input: ImportanceInput;
  options: ImportanceOptions;
}

/** The program's module, loaded on the first request: a page that never asks never pays for it. */
let programModule: Promise<typeof import('./fanova.js')> | undefined;
const loadProgram = () => {
  programModule ??= import('./fanova.js');
  return programModule;
};
/**
 * Workers sharing each forest's trees: one per core the browser reports, at most 4 (the trees of
 * one forest are independent, so k workers take about 1/k of the time).
 */
const POOL_SIZE = Math.min(4, Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 2));
/** The page's workers, once asked for; undefined inside when none could start. */
let pool: Promise<Worker[] | undefined> | undefined;
/** Set once a worker failed to start: every later request runs in the page. */
let workerUnavailable = false;
let nextId = 1;
const pending = new Map<number, Pending>();
let inPage: ReturnType<typeof fanovaProgram> | undefined;

async function startPool(): Promise<Worker[] | undefined> {
  const { fanovaProgram } = await loadProgram();
  const workers: Worker[] = [];
  try {
    if (typeof Worker !== 'function') throw new Error('no Worker');
    const url = URL.createObjectURL(new Blob([workerSource(fanovaProgram)], { type: 'text/javascript' }));
    try {
      for (let k = 0; k < POOL_SIZE; k++) workers.push(new Worker(url));
    } finally {
      URL.revokeObjectURL(url);
    }
  } catch {
    if (!workers.length) {
      workerUnavailable = true;
      return undefined;
    }
  }
  for (const worker of workers) {
    worker.onmessage = ({
      data,
    }: MessageEvent<{ id: number; result?: ImportanceResult; error?: string }>) => {
      const request = pending.get(data.id);
      if (!request) return;
      pending.delete(data.id);
      if (data.error !== undefined) request.reject(new ImportanceError(data.error));
      else request.resolve(data.result!);
    };
    // A worker refused after it was created (a policy checked on load): the waiting requests, and
    // every later one, run in the page instead.
    worker.onerror = (event) => {
      event.preventDefault();
      for (const w of workers) w.terminate();
      pool = Promise.resolve(undefined);
      workerUnavailable = true;
      const waiting = [...pending.values()];
      pending.clear();
      for (const request of waiting)
        computeInPage(request.input, request.options).then(request.resolve, request.reject);
    };
  }
  return workers;
}

async function computeInPage(input: ImportanceInput, options: ImportanceOptions): Promise<ImportanceResult> {
  const { fanovaProgram } = await loadProgram();
  // Yield first, so that the frame that asked paints before the page is busy.
  await new Promise((resolve) => setTimeout(resolve, 0));
  inPage ??= fanovaProgram();
  try {
    return inPage.computeImportance(input, options);
  } catch (error) {
    throw new ImportanceError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

function ask(worker: Worker, input: ImportanceInput, options: ImportanceOptions): Promise<ImportanceResult> {
  return new Promise<ImportanceResult>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject, input, options });
    worker.postMessage({ id, input, options });
  });
}

/**
 * Computes importances in the page's workers, each growing a share of the forest's trees (or in
 * the page, if no worker can start). Requests from several views queue in the same workers; a view
 * that asks again while one is running should wait for it and ask once more with its newest input
 * (the view does).
 */
export async function computeImportanceOffThread(
  input: ImportanceInput,
  options: ImportanceOptions = {},
): Promise<{ result: ImportanceResult; venue: ImportanceVenue; workers: number }> {
  pool ??= startPool();
  const workers = await pool;
  if (!workers) return { result: await computeInPage(input, options), venue: 'page', workers: 0 };
  const started = performance.now();
  const trees = options.trees ?? 64;
  const share = Math.ceil(trees / workers.length);
  const parts = workers
    .map((worker, k) => ({ worker, from: k * share, to: Math.min(trees, (k + 1) * share) }))
    .filter(({ from, to }) => from < to)
    .map(({ worker, from, to }) => ask(worker, input, { ...options, trees, part: { from, to } }));
  const results = await Promise.all(parts);
  inPage ??= (await loadProgram()).fanovaProgram();
  const result = inPage.combineImportance(
    results.map((r) => r.sums!),
    performance.now() - started,
  );
  return workerUnavailable
    ? { result, venue: 'page', workers: 0 }
    : { result, venue: 'worker', workers: parts.length };
}

/** Forgets the workers (and that none could start): the next request starts afresh. For tests. */
export function resetImportanceWorker(): void {
  void pool?.then((workers) => {
    for (const w of workers ?? []) w.terminate();
  });
  pool = undefined;
  workerUnavailable = false;
}

/**
 * Runs the importance computation off the page's main thread: one Web Worker per page, started
 * lazily from the fANOVA program's own source text (a `blob:` URL), so host apps need no bundler
 * set-up. Where a worker cannot start (no `Worker`, or a Content-Security-Policy without
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
/** The page's worker, once asked for; undefined inside when none could start. */
let worker: Promise<Worker | undefined> | undefined;
/** Set once a worker failed to start: every later request runs in the page. */
let workerUnavailable = false;
let nextId = 1;
const pending = new Map<number, Pending>();
let inPage: ReturnType<typeof fanovaProgram> | undefined;

async function startWorker(): Promise<Worker | undefined> {
  const { fanovaProgram } = await loadProgram();
  let started: Worker;
  try {
    if (typeof Worker !== 'function') throw new Error('no Worker');
    const url = URL.createObjectURL(new Blob([workerSource(fanovaProgram)], { type: 'text/javascript' }));
    started = new Worker(url);
    URL.revokeObjectURL(url);
  } catch {
    workerUnavailable = true;
    return undefined;
  }
  started.onmessage = ({ data }: MessageEvent<{ id: number; result?: ImportanceResult; error?: string }>) => {
    const request = pending.get(data.id);
    if (!request) return;
    pending.delete(data.id);
    if (data.error !== undefined) request.reject(new ImportanceError(data.error));
    else request.resolve(data.result!);
  };
  // A worker refused after it was created (a policy checked on load): the waiting requests, and
  // every later one, run in the page instead.
  started.onerror = (event) => {
    event.preventDefault();
    started.terminate();
    worker = Promise.resolve(undefined);
    workerUnavailable = true;
    const waiting = [...pending.values()];
    pending.clear();
    for (const request of waiting)
      computeInPage(request.input, request.options).then(request.resolve, request.reject);
  };
  return started;
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

/**
 * Computes importances in the page's shared worker (or in the page, if none can start). Requests
 * from several views queue in one worker; a view that asks again while one is running should wait
 * for it and ask once more with its newest input (the view does).
 */
export async function computeImportanceOffThread(
  input: ImportanceInput,
  options: ImportanceOptions = {},
): Promise<{ result: ImportanceResult; venue: ImportanceVenue }> {
  worker ??= startWorker();
  const running = await worker;
  if (!running) return { result: await computeInPage(input, options), venue: 'page' };
  const result = await new Promise<ImportanceResult>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject, input, options });
    running.postMessage({ id, input, options });
  });
  return { result, venue: workerUnavailable ? 'page' : 'worker' };
}

/** Forgets the worker (and that one could not start): the next request starts afresh. For tests. */
export function resetImportanceWorker(): void {
  void worker?.then((w) => w?.terminate());
  worker = undefined;
  workerUnavailable = false;
}

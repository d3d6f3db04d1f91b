/**
 * Buffered, concurrent logging for training loops: calls return at once, points are packed into
 * full log-batch requests, and a bound on queued points turns into a promise the loop can await.
 */
import { BatchBody } from './batch.js';
import { MlflowApiError, MlflowError, MlflowValidationError } from './errors.js';
import type { RequestOptions } from './http.js';
import { BATCH_LIMITS } from './limits.js';
import { type EncodedItem, encodeParam, encodeTag, type KeyValues, MetricEncoder, pairs } from './wire.js';

export interface RunLoggerOptions {
  /** Log-batch requests in flight at once. Default 4. */
  concurrency?: number;
  /**
   * Points (metrics, params and tags) held in memory, sent or not yet acknowledged, before the
   * `log*` methods return a promise to await. At least 1000. Default 20,000.
   */
  maxQueued?: number;
  /**
   * A hard cap on points held: a `log*` call that would go over it throws {@link RunLoggerFullError}
   * and queues nothing, for callers that cannot await every call. Default: no cap.
   */
  maxPending?: number;
  /** How long a batch that is not full may wait for more points. Default 200 ms. */
  flushIntervalMs?: number;
  /** Signal, timeout and retry policy of each request. */
  request?: RequestOptions;
}

/** Where a point goes: the step and the time (ms since the epoch, default now). */
export interface PointOptions {
  step?: number | string;
  timestamp?: number | string;
}

/** A `log*` call would have held more than `maxPending` points; none of its points were queued. */
export class RunLoggerFullError extends MlflowError {
  override name = 'RunLoggerFullError';
  constructor(runId: string, held: number, adding: number, maxPending: number) {
    super(
      `RunLogger for run ${runId}: ${held} points held, adding ${adding} would pass maxPending (${maxPending}); await the log calls or flush()`,
    );
  }
}

/** A param or tag MLflow refused on its own (e.g. a param already logged with another value). */
export interface RefusedItem {
  kind: 'param' | 'tag';
  key: string;
  /** The server's refusal. */
  error: MlflowApiError;
}

/**
 * A batch failed even after retries, or MLflow refused some params or tags. Nothing else was
 * dropped: the undelivered points are still queued.
 */
export class RunLoggerError extends MlflowError {
  override name = 'RunLoggerError';
  /** Metrics, params and tags still queued (a later `flush()` tries them again). */
  readonly undelivered: number;
  /** Params and tags MLflow refused one by one, dropped from the queue: sending them again cannot succeed. */
  readonly refused: readonly RefusedItem[];
  /** As retryable as the failure of the batch. */
  override readonly retryable: boolean;

  constructor(runId: string, cause: unknown, undelivered: number, refused: readonly RefusedItem[] = []) {
    const refusedText = refused.length
      ? `MLflow refused ${refused.map((r) => `${r.kind} ${JSON.stringify(r.key)}`).join(', ')} (${refused[0].error.serverMessage}); ${refused.length === 1 ? 'it is' : 'they are'} dropped`
      : '';
    const failedText =
      cause === undefined
        ? ''
        : `a batch failed (${cause instanceof Error ? cause.message : String(cause)}); ` +
          `${undelivered} points are still queued — call flush() to try again`;
    super(`RunLogger for run ${runId}: ${[refusedText, failedText].filter(Boolean).join('; ')}`, {
      cause: cause ?? refused[0]?.error,
    });
    this.undelivered = undelivered;
    this.refused = refused;
    this.retryable = cause instanceof MlflowError && cause.retryable;
  }
}

/** A refusal of the batch's content (not of the run, the caller or the server's state). */
function isContentRefusal(error: unknown): error is MlflowApiError {
  return error instanceof MlflowApiError && error.status === 400;
}

/** Posts one serialized log-batch body. */
export type PostBatch = (body: string, options?: RequestOptions) => Promise<unknown>;

interface Sent {
  metrics: EncodedItem[];
  params: EncodedItem[];
  tags: EncodedItem[];
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Buffered logging for one run. Create it with `client.runLogger(runId)`.
 *
 * `logMetric`, `logMetrics`, `logParams` and `setTags` validate their input (throwing
 * `MlflowValidationError` at once for a bad key), queue it and return. They return `undefined`
 * while the queue has room, and a promise that resolves once it has room again otherwise — await
 * it to bound memory: `await logger.logMetric('loss', v, { step })`.
 *
 * `flush()` resolves when everything logged so far is on the server; `close()` flushes and refuses
 * further points. A batch that fails after the client's retries stops sending, keeps its points
 * queued, and makes `flush()`, `close()` and pending backpressure promises reject with a
 * {@link RunLoggerError}; calling `flush()` again retries. Batches are retry-safe: MLflow ignores a
 * metric point logged twice, and a param logged twice with the same value.
 *
 * When MLflow refuses a batch's content (400, e.g. a param the run already has with another value),
 * the batch's metrics are sent again without its params and tags, and each of those is sent alone:
 * the ones refused alone are dropped and reported by the next `flush()` or `close()` in
 * {@link RunLoggerError.refused}, and the rest of the queue goes on.
 */
export class RunLogger {
  readonly runId: string;
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private readonly flushIntervalMs: number;
  private readonly runIdJson: string;
  private readonly encoder = new MetricEncoder();

  private metrics: EncodedItem[] = [];
  private head = 0;
  private params: EncodedItem[] = [];
  private readonly paramValues = new Map<string, string>();
  private readonly tags = new Map<string, EncodedItem>();
  private tagsInFlight = false;
  /** Params and tags of a refused batch, each sent alone to find the ones MLflow refuses. */
  private suspectParams: EncodedItem[] = [];
  private suspectTags: EncodedItem[] = [];
  private refused: RefusedItem[] = [];

  private held = 0;
  private inFlight = 0;
  private flushing = 0;
  private failure: unknown;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private roomWaiters: Waiter[] = [];
  private idleWaiters: Waiter[] = [];

  constructor(
    private readonly post: PostBatch,
    runId: string,
    private readonly options: RunLoggerOptions = {},
  ) {
    this.runId = runId;
    this.runIdJson = JSON.stringify(runId);
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.maxQueued = Math.max(BATCH_LIMITS.entities, options.maxQueued ?? 20_000);
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
  }

  /** Points held: queued plus in flight. */
  get queued(): number {
    return this.held;
  }

  /** Queues one metric point. */
  logMetric(key: string, value: number, point: PointOptions = {}): Promise<void> | undefined {
    this.assertOpen();
    this.admit(1);
    this.metrics.push(this.encoder.encode(key, value, point.step, point.timestamp));
    return this.added(1);
  }

  /** Queues several metrics at the same step and time. */
  logMetrics(values: Readonly<Record<string, number>>, point: PointOptions = {}): Promise<void> | undefined {
    this.assertOpen();
    const timestamp = point.timestamp ?? Date.now();
    const items = Object.entries(values).map(([key, value]) =>
      this.encoder.encode(key, value, point.step, timestamp),
    );
    this.admit(items.length);
    this.metrics.push(...items);
    return this.added(items.length);
  }

  /** Queues params. A param already logged through this logger may repeat only with the same value. */
  logParams(params: KeyValues): Promise<void> | undefined {
    this.assertOpen();
    const items = pairs(params).map((p) => encodeParam(p.key, p.value));
    const values = new Map(this.paramValues);
    const fresh = items.filter((item) => {
      const earlier = values.get(item.key);
      if (earlier !== undefined && earlier !== item.json) {
        throw new MlflowValidationError(item.key, 'param already logged with a different value');
      }
      values.set(item.key, item.json);
      return earlier === undefined;
    });
    this.admit(fresh.length);
    for (const item of fresh) this.paramValues.set(item.key, item.json);
    this.params.push(...fresh);
    return this.added(fresh.length);
  }

  /** Queues tags; a tag set again before it was sent is sent once, with its last value. */
  setTags(tags: KeyValues): Promise<void> | undefined {
    this.assertOpen();
    const encoded = pairs(tags).map((t) => encodeTag(t.key, t.value));
    this.admit(new Set(encoded.filter((t) => !this.tags.has(t.key)).map((t) => t.key)).size);
    let added = 0;
    for (const tag of encoded) {
      if (!this.tags.delete(tag.key)) added++;
      this.tags.set(tag.key, tag);
    }
    return this.added(added);
  }

  /** Resolves when every point logged so far is on the server; rejects with {@link RunLoggerError} if a batch failed. */
  flush(): Promise<void> {
    this.failure = undefined; // a new flush retries what an earlier failure left queued
    this.flushing++;
    const idle = new Promise<void>((resolve, reject) => this.idleWaiters.push({ resolve, reject }));
    this.pump();
    this.settleIdle();
    return idle.finally(() => {
      this.flushing--;
    });
  }

  /** Flushes, then refuses further points. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    clearTimeout(this.timer);
  }

  private assertOpen(): void {
    if (this.closed) throw new MlflowError(`RunLogger for run ${this.runId} is closed`);
  }

  /** @throws RunLoggerFullError when `count` more points would pass `maxPending`. */
  private admit(count: number): void {
    const cap = this.options.maxPending;
    if (cap !== undefined && this.held + count > cap)
      throw new RunLoggerFullError(this.runId, this.held, count, cap);
  }

  /** Books `count` new points, starts sending, and returns a promise when the queue is over its bound. */
  private added(count: number): Promise<void> | undefined {
    this.held += count;
    if (this.failure === undefined) this.pump();
    if (this.held < this.maxQueued) return undefined;
    const room =
      this.failure !== undefined
        ? Promise.reject(this.error())
        : new Promise<void>((resolve, reject) => this.roomWaiters.push({ resolve, reject }));
    // A caller that ignores the promise still hears of the failure from flush()/close(); no unhandled rejection.
    room.catch(() => {});
    return room;
  }

  private get pendingMetrics(): number {
    return this.metrics.length - this.head;
  }

  private get pending(): number {
    const tags = this.tagsInFlight ? 0 : this.tags.size + this.suspectTags.length;
    return this.pendingMetrics + this.params.length + this.suspectParams.length + tags;
  }

  /** Sends full batches while concurrency allows; partial ones too when flushing. */
  private pump(): void {
    while (this.failure === undefined && this.inFlight < this.concurrency && this.pending > 0) {
      if (this.pending < BATCH_LIMITS.entities && this.flushing === 0) {
        this.schedule();
        return;
      }
      this.send();
    }
  }

  /** A partial batch waits at most `flushIntervalMs` for company. */
  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing++;
      this.pump();
      this.flushing--;
    }, this.flushIntervalMs);
  }

  private send(): void {
    const body = new BatchBody(this.runIdJson);
    const sent: Sent = { metrics: [], params: [], tags: [] };
    if (!this.takeSuspect(body, sent)) this.takeQueued(body, sent);
    this.inFlight++;
    this.post(body.toJson(), this.options.request).then(
      () => this.settled(sent),
      (error) => this.settled(sent, error),
    );
  }

  /** Puts one param or tag of a refused batch in `body`, alone; false when none is waiting. */
  private takeSuspect(body: BatchBody, sent: Sent): boolean {
    const param = this.suspectParams.shift();
    const tag = param || this.tagsInFlight ? undefined : this.suspectTags.shift();
    if (param) {
      body.add('params', param);
      sent.params.push(param);
    } else if (tag) {
      body.add('tags', tag);
      sent.tags.push(tag);
      this.tagsInFlight = true;
    }
    return param !== undefined || tag !== undefined;
  }

  /** Fills `body` from the queues: params, tags (one tag batch at a time), then metrics. */
  private takeQueued(body: BatchBody, sent: Sent): void {
    while (this.params.length > 0 && body.add('params', this.params[0]))
      sent.params.push(this.params.shift()!);
    // One tag batch at a time, so two writes of a tag cannot arrive out of order.
    if (!this.tagsInFlight) {
      for (const [key, tag] of this.tags) {
        if (!body.add('tags', tag)) break;
        sent.tags.push(tag);
        this.tags.delete(key);
      }
      this.tagsInFlight = sent.tags.length > 0;
    }
    while (this.head < this.metrics.length && body.add('metrics', this.metrics[this.head])) {
      sent.metrics.push(this.metrics[this.head++]);
    }
    this.compact();
  }

  /** Drops sent metrics from the front of the queue once they are a large share of it. */
  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.metrics.length) {
      this.metrics = this.metrics.slice(this.head);
      this.head = 0;
    }
  }

  private settled(sent: Sent, error?: unknown): void {
    this.inFlight--;
    if (sent.tags.length > 0) this.tagsInFlight = false;
    if (error === undefined) {
      this.held -= sent.metrics.length + sent.params.length + sent.tags.length;
    } else if (isContentRefusal(error) && sent.params.length + sent.tags.length > 0) {
      this.isolate(sent, error);
    } else {
      this.failure ??= error;
      this.requeue(sent);
    }
    this.pump();
    this.settleRoom();
    this.settleIdle();
  }

  /**
   * After MLflow refused a batch's content: a param or tag sent alone is dropped as refused;
   * otherwise the batch's metrics go back to the queue and its params and tags are sent one by one.
   */
  private isolate(sent: Sent, error: MlflowApiError): void {
    const [alone, ...others] = [...sent.params, ...sent.tags];
    if (sent.metrics.length === 0 && others.length === 0) {
      this.held--;
      this.refused.push({ kind: sent.params.length ? 'param' : 'tag', key: alone.key, error });
      return;
    }
    this.requeue({ metrics: sent.metrics, params: [], tags: [] });
    this.suspectParams.push(...sent.params);
    for (const tag of sent.tags) {
      if (this.tags.has(tag.key))
        this.held--; // set anew since: the new value goes instead
      else this.suspectTags.push(tag);
    }
  }

  /** Puts a failed batch back at the front of the queue; a tag set anew since keeps its new value. */
  private requeue(sent: Sent): void {
    this.metrics = [...sent.metrics, ...this.metrics.slice(this.head)];
    this.head = 0;
    this.params.unshift(...sent.params);
    const newer = new Map(this.tags);
    this.tags.clear();
    for (const tag of sent.tags) {
      if (newer.has(tag.key)) this.held--;
      else this.tags.set(tag.key, tag);
    }
    for (const [key, tag] of newer) this.tags.set(key, tag);
  }

  /** The error to report; `flush()`'s takes the refused items, which are reported once. */
  private error(takeRefused = false): RunLoggerError {
    const refused = takeRefused ? this.refused.splice(0) : [...this.refused];
    return new RunLoggerError(this.runId, this.failure, this.held, refused);
  }

  private settleRoom(): void {
    if (this.failure !== undefined && this.inFlight === 0) {
      const error = this.error();
      for (const waiter of this.roomWaiters.splice(0)) waiter.reject(error);
    } else if (this.held < this.maxQueued) {
      for (const waiter of this.roomWaiters.splice(0)) waiter.resolve();
    }
  }

  private settleIdle(): void {
    if (this.inFlight > 0 || this.idleWaiters.length === 0) return;
    if (this.failure !== undefined || (this.held === 0 && this.refused.length > 0)) {
      const error = this.error(true);
      for (const waiter of this.idleWaiters.splice(0)) waiter.reject(error);
    } else if (this.held === 0) {
      for (const waiter of this.idleWaiters.splice(0)) waiter.resolve();
    }
  }
}

/**
 * Streams a producer's events (the sync engine's, usually) to dashboards as Server-Sent Events.
 * One subscription to the producer feeds every client; a bounded buffer of recent events lets a
 * client that reconnects with `Last-Event-ID` catch up without a new snapshot.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants, createGzip } from 'node:zlib';
import {
  type EventProducer,
  encodeEvent,
  type MetricsAppendEvent,
  PROTOCOL_VERSION,
  type SeriesSummary,
  type StudyPresence,
  summarizeBatch,
  type TrialEvent,
  type ViewerAnnouncement,
} from '../protocol/index.js';
import { announcementFromQuery, type PresenceOptions, PresenceRoom } from './presence.js';

export interface EventStreamOptions {
  /** A comment line is sent this often so that proxies keep the connection open (ms, default 15,000). */
  heartbeatMs?: number;
  /** How many recent events are kept for replay (default 10,000). */
  replayBuffer?: number;
  /**
   * The most bytes of encoded events kept for replay (default 32 MiB): the oldest go first, and an
   * event larger than this is streamed but not kept. A client too far behind gets a snapshot.
   */
  replayBufferBytes?: number;
  /**
   * The most clients streamed to at once (default 1,000); past it a request is answered 503 with
   * `Retry-After`, which `EventSource` and trialkit's own sources retry.
   */
  maxClients?: number;
  /**
   * A client whose unsent output exceeds this many bytes is disconnected: it will reconnect and
   * resume, instead of the server holding an ever-growing backlog for it (default 16 MiB).
   */
  maxBufferedBytes?: number;
  /** If set, sent as the SSE `retry:` field: the delay a browser waits before reconnecting itself (ms). */
  retryMs?: number;
  /** Extra response headers, e.g. for CORS. */
  headers?: Record<string, string>;
  /**
   * Presence: streams opened with `?viewer=<id>` (and `study`, `name`, `color`) are counted as
   * viewers and receive `presence` events (protocol v3); others are served as before. On by
   * default; `false` turns it off. Heartbeats reach it through `createPresenceHandler(stream.presence)`.
   */
  presence?: PresenceOptions | false;
  /**
   * Gzip the stream for clients that accept it (Node's `http` handler; default true): a new tab's
   * snapshot of a large study shrinks about six times. The events of one turn of the event loop
   * are compressed and flushed together as it ends, so none waits for a later one; each such client
   * costs about 160 KB of compressor state.
   */
  compress?: boolean;
  /**
   * Take the dashboards' snapshot (summaries, protocol v2 and later) as the stream is created
   * (default true): the first tab then gets it kept, or joins it under way, instead of waiting for
   * it and for the store's cold cache (about a second at 1,000 trials × 100,000 points).
   */
  warm?: boolean;
}

/** Where the stream writes one client's events; how the events are framed is the sink's business. */
export interface EventSink {
  /** One event, JSON-encoded with `encodeEvent`. */
  send(json: string, seq: number): void;
  /** The server ends this client (the stream closed, or a snapshot could not be taken). */
  close(reason: string): void;
}

/**
 * What one client asked for. `v: 2`: a snapshot with summaries instead of raw points (when the
 * producer can), and `metrics.summary` instead of `metrics.append` for the keys not in `points`
 * (`points` undefined: every key raw). `v: 1` (the default): every point, as before.
 */
export interface ClientView {
  v: 1 | 2;
  points?: ReadonlySet<string>;
  /** The client announced a viewer: it receives `presence` events (v3). */
  presence?: boolean;
}

/**
 * A request handler for Node's `http`, Express (`app.get('/events', stream)`) and Fastify
 * (`reply.hijack(); stream(request.raw, reply.raw)`), with a fetch-style twin for Hono and other
 * fetch-based servers (`app.get('/events', (c) => stream.handleRequest(c.req.raw))`).
 *
 * A new client gets a snapshot, then every event. A client that sends `Last-Event-ID` (or the
 * query parameter `lastEventId`, which a browser's `EventSource` cannot set as a header) gets the
 * events after that `seq` from the buffer, or a fresh snapshot when they are no longer there.
 * `?v=2` asks for protocol v2's level of detail, `&points=loss,acc` for the raw points of some
 * keys (see {@link ClientView}).
 */
export interface EventStream {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Answers a fetch `Request` with a streaming `Response`; ends when the request's signal aborts. */
  handleRequest(request: Request): Response;
  /**
   * Feeds any transport (a WebSocket, a test): events after `lastSeq`, or a snapshot first when
   * `lastSeq` is undefined or too old. Returns the function that detaches the sink.
   */
  attach(sink: EventSink, lastSeq?: number, view?: ClientView): () => void;
  /** How many clients are attached now. */
  readonly clientCount: number;
  /** Who is watching (undefined when the `presence` option is `false`). */
  readonly presence: PresenceRoom | undefined;
  /** Stops listening to the producer and ends every client. */
  close(): void;
}

const defaults = {
  heartbeatMs: 15_000,
  replayBuffer: 10_000,
  replayBufferBytes: 32 * 1024 * 1024,
  maxClients: 1_000,
  maxBufferedBytes: 16 * 1024 * 1024,
  compress: true,
  warm: true,
};

/**
 * A stream's compressor: level 3 (a 1.9 MB snapshot in ~15 ms, within a tenth of level 6's size at
 * half its time) and memory level 6 (160 KB of state with the default 32 KB window; 8 would be 256 KB).
 */
const GZIP = { level: 3, memLevel: 6 };

/** A kept snapshot is served with at most this many events after it; past that a new one is taken. */
const KEPT_SNAPSHOT_REPLAY = 1_000;
/** Snapshots longer than this (characters of JSON) are not kept: raw points of a large study. */
const KEPT_SNAPSHOT_CHARS = 16 * 1024 * 1024;

/** Seconds a client turned away for being one too many is asked to wait. */
const RETRY_AFTER_S = 5;

/** Creates the stream and subscribes to `producer` at once, so replay works from the start. */
export function createEventStream(producer: EventProducer, options: EventStreamOptions = {}): EventStream {
  const opts = { ...defaults, ...withoutUndefined(options) };
  const fanout = new ClientFanout(producer, new ReplayBuffer(opts.replayBuffer, opts.replayBufferBytes));
  if (opts.warm) fanout.warm();
  const room = options.presence === false ? undefined : new PresenceRoom(options.presence);
  const unpublish = room?.subscribe((studies) => fanout.publishPresence(studies));
  const full = () => fanout.clientCount >= opts.maxClients;
  const busy = `too many clients (${opts.maxClients}); retry in ${RETRY_AFTER_S} s\n`;
  const headers = {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    // nginx would otherwise buffer the stream and deliver it in lumps.
    'X-Accel-Buffering': 'no',
    ...opts.headers,
  };
  const preamble = opts.retryMs === undefined ? ': trialkit\n\n' : `retry: ${opts.retryMs}\n\n`;

  const serve = (
    write: (chunk: string) => boolean,
    end: () => void,
    lastSeq: number | undefined,
    view: ClientView,
    viewer: { announcement: ViewerAnnouncement; req?: IncomingMessage } | undefined,
  ) => {
    let done = false;
    let leave = () => {};
    // Assigned below; `stop` may run first (a full buffer, a closed stream).
    let detach = () => {};
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), opts.heartbeatMs);
    heartbeat.unref?.();
    const stop = () => {
      if (done) return;
      done = true;
      clearInterval(heartbeat);
      detach();
      leave();
      end();
    };
    const send = (chunk: string) => {
      if (!done && !write(chunk)) stop();
    };
    send(preamble);
    const detached = fanout.attach(
      { send: (json, seq) => send(`id: ${seq}\ndata: ${json}\n\n`), close: stop },
      lastSeq,
      { ...view, presence: !!(room && viewer) },
    );
    if (done) detached();
    else {
      detach = detached;
      if (room && viewer) leave = room.join(viewer.announcement, viewer.req && room.identify?.(viewer.req));
    }
    return stop;
  };

  const nodeHandler = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    if (full()) {
      res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': String(RETRY_AFTER_S) }).end(busy);
      return;
    }
    const gzip = opts.compress && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const head = gzip ? { ...headers, 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : headers;
    // `Connection` is an HTTP/1 header; HTTP/2 forbids it.
    res.writeHead(200, req.httpVersionMajor < 2 ? { ...head, Connection: 'keep-alive' } : head);
    res.flushHeaders();
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const lastSeq = parseLastEventId(req.headers['last-event-id'], url);
    const out = gzip ? createGzip({ ...GZIP, flush: constants.Z_SYNC_FLUSH }) : undefined;
    // A compressor that fails ends the response; one whose client left is freed with it.
    out?.on('error', () => res.destroy());
    out?.pipe(res);
    // Through the compressor, the writes of one turn of the event loop go as one: each write is
    // compressed and flushed on zlib's threads, and a burst of events (a group of appends) would
    // queue one such job per event.
    let pending: string[] = [];
    const compressPending = () => {
      if (pending.length === 0 || !out || out.writableEnded) return;
      const chunk = pending.join('');
      pending = [];
      out.write(chunk);
    };
    const write = (chunk: string) => {
      if (res.writableLength + (out?.writableLength ?? 0) > opts.maxBufferedBytes) return false;
      if (!out) res.write(chunk);
      else if (pending.push(chunk) === 1) setImmediate(compressPending);
      return true;
    };
    const announcement = announcementFromQuery(url);
    const viewer = announcement && { announcement, req };
    const end = () => {
      compressPending();
      (out ?? res).end();
    };
    const stop = serve(write, end, lastSeq, parseClientView(url), viewer);
    res.on('close', () => {
      stop();
      out?.destroy();
    });
  };

  const handleRequest = (request: Request): Response => {
    if (request.method !== 'GET') return new Response(null, { status: 405, headers: { Allow: 'GET' } });
    if (full()) {
      return new Response(busy, {
        status: 503,
        headers: { 'Content-Type': 'text/plain', 'Retry-After': String(RETRY_AFTER_S) },
      });
    }
    const url = new URL(request.url);
    const lastSeq = parseLastEventId(request.headers.get('last-event-id'), url);
    const encoder = new TextEncoder();
    let stop = () => {};
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          const write = (chunk: string) => {
            if ((controller.desiredSize ?? 0) <= 0) return false;
            controller.enqueue(encoder.encode(chunk));
            return true;
          };
          const end = () => {
            try {
              controller.close();
            } catch {
              // Already closed or cancelled by the reader.
            }
          };
          const announcement = announcementFromQuery(url);
          stop = serve(write, end, lastSeq, parseClientView(url), announcement && { announcement });
          if (request.signal.aborted) stop();
          else request.signal.addEventListener('abort', stop, { once: true });
        },
        cancel() {
          stop();
        },
      },
      { highWaterMark: opts.maxBufferedBytes, size: (chunk) => chunk.byteLength },
    );
    return new Response(body, { headers });
  };

  const stream = nodeHandler as EventStream;
  return Object.defineProperties(stream, {
    handleRequest: { value: handleRequest },
    attach: {
      value: (sink: EventSink, lastSeq?: number, view?: ClientView) => fanout.attach(sink, lastSeq, view),
    },
    clientCount: { get: () => fanout.clientCount },
    presence: { value: room },
    close: {
      value: () => {
        unpublish?.();
        room?.close();
        fanout.close();
      },
    },
  });
}

/** The options that are set, so that an `undefined` one keeps its default. */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The `seq` a reconnecting client last saw, from the header or the query; undefined if none or garbage. */
function parseLastEventId(header: string | string[] | null | undefined, url: URL): number | undefined {
  const raw = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('lastEventId');
  if (raw == null || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw);
}

/** `?v=2&points=a,b` as a {@link ClientView}; anything but `v=2` is v1. */
export function parseClientView(url: URL): ClientView {
  if (url.searchParams.get('v') !== '2') return { v: 1 };
  const points = url.searchParams.get('points');
  if (points === null) return { v: 2 };
  return { v: 2, points: new Set(points.split(',').filter(Boolean)) };
}

interface Entry {
  seq: number;
  json: string;
  /** A `metrics.append`, kept to derive the `metrics.summary` clients without its keys get. */
  append?: MetricsAppendEvent;
  /** That `metrics.summary`, encoded on first need. */
  summaryJson?: string;
  /** An `error` event: news to the clients that saw it happen, not to one arriving after it. */
  error?: boolean;
}

interface Client {
  sink: EventSink;
  view: ClientView;
  /** False until the client has its snapshot or replay; live events wait in the buffer meanwhile. */
  live: boolean;
}

/**
 * Fans one producer subscription out to every attached client, replaying from its buffer or
 * starting with a snapshot; knows nothing of HTTP.
 */
class ClientFanout {
  private readonly clients = new Set<Client>();
  private readonly ring: ReplayBuffer;
  private readonly unsubscribe: () => void;
  /** Every event with a `seq` above this is in the buffer; undefined until a snapshot proves it. */
  private coveredAfter: number | undefined;
  private latestSeq = -1;
  /** One snapshot serves every client that connects while it is being taken (by points, then summaries). */
  private readonly pendingSnapshots = new Map<boolean, Promise<Entry>>();
  /**
   * The last snapshot taken (by points, then summaries): a client that connects later gets it and
   * the events since from the buffer, as a resuming client would, while they are few — a study that
   * is not changing opens every tab but the first without a new snapshot.
   */
  private readonly lastSnapshots = new Map<boolean, Entry>();
  private closed = false;
  /** The last published presence; sent to a viewer as it goes live, then on every change. */
  private presence: StudyPresence[] = [];

  constructor(
    private readonly producer: EventProducer,
    ring: ReplayBuffer,
  ) {
    this.ring = ring;
    this.unsubscribe = producer.subscribe((event) => this.onEvent(event));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Takes the summaries' snapshot ahead of the first client (a failure is left to a client's own). */
  warm(): void {
    this.snapshot(false).catch(() => {});
  }

  attach(sink: EventSink, lastSeq?: number, view: ClientView = { v: 1 }): () => void {
    const client: Client = { sink, view, live: false };
    if (this.closed) {
      sink.close('the event stream is closed');
      return () => {};
    }
    this.clients.add(client);
    if (lastSeq !== undefined && this.canReplayAfter(lastSeq)) this.goLive(client, lastSeq);
    else this.sendSnapshot(client);
    return () => {
      this.clients.delete(client);
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const client of [...this.clients]) client.sink.close('the event stream is closed');
    this.clients.clear();
  }

  /** Sends the new presence to every live viewer (not buffered: it is state, not history). */
  publishPresence(studies: StudyPresence[]): void {
    this.presence = studies;
    let json: string | undefined;
    for (const client of this.clients) {
      if (!client.live || !client.view.presence) continue;
      json ??= this.presenceJson();
      client.sink.send(json, this.presenceSeq);
    }
  }

  /** A presence event carries the `seq` of the last event sent before it, so resuming is unaffected. */
  private get presenceSeq(): number {
    return Math.max(0, this.latestSeq);
  }

  private presenceJson(): string {
    return encodeEvent({
      v: PROTOCOL_VERSION,
      seq: this.presenceSeq,
      type: 'presence',
      studies: this.presence,
    });
  }

  private onEvent(event: TrialEvent): void {
    const entry: Entry = {
      seq: event.seq,
      json: encodeEvent(event),
      append: event.type === 'metrics.append' ? event : undefined,
      error: event.type === 'error',
    };
    const evictedSeq = this.ring.push(entry);
    if (evictedSeq !== undefined && this.coveredAfter !== undefined)
      this.coveredAfter = Math.max(this.coveredAfter, evictedSeq);
    this.latestSeq = Math.max(this.latestSeq, event.seq);
    for (const client of this.clients) if (client.live) this.send(client, entry);
  }

  /**
   * An entry as this client sees it. An append none of whose keys the client asked points for
   * goes as a `metrics.summary`; one with any such key goes whole (an event cannot be split: the
   * parts would share a `seq`, and readers drop a repeated `seq`).
   */
  private send(client: Client, entry: Entry): void {
    const { append } = entry;
    const { v, points } = client.view;
    if (!append || v === 1 || !points || append.batches.some((b) => points.has(b.key))) {
      client.sink.send(entry.json, entry.seq);
      return;
    }
    entry.summaryJson ??= encodeEvent({
      v: PROTOCOL_VERSION,
      seq: append.seq,
      type: 'metrics.summary',
      summaries: append.batches.map(summarizeBatch).filter((s): s is SeriesSummary => s !== undefined),
    });
    client.sink.send(entry.summaryJson, entry.seq);
  }

  /** Whether the buffer holds every event after `seq` (a `seq` from the future is not trusted). */
  private canReplayAfter(seq: number): boolean {
    return this.coveredAfter !== undefined && seq >= this.coveredAfter && seq <= this.latestSeq;
  }

  /**
   * Sends the buffered events after `after`, then live ones. A new client (`fresh`, after its
   * snapshot) is not sent the errors raised before it came: a tab opened once MLflow answers again
   * would show how polling failed minutes ago.
   */
  private goLive(client: Client, after: number, fresh = false): void {
    for (const entry of this.ring.after(after)) if (!(fresh && entry.error)) this.send(client, entry);
    client.live = true;
    if (client.view.presence) client.sink.send(this.presenceJson(), this.presenceSeq);
  }

  private sendSnapshot(client: Client): void {
    this.snapshot(client.view.v === 1).then(
      (snapshot) => {
        if (!this.clients.has(client)) return;
        // The buffer overflowed while the snapshot was on its way: take a newer one.
        if (!this.canReplayAfter(snapshot.seq)) return this.sendSnapshot(client);
        client.sink.send(snapshot.json, snapshot.seq);
        this.goLive(client, snapshot.seq, true);
      },
      (err) => {
        if (!this.clients.delete(client)) return;
        client.sink.close(`snapshot failed: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  }

  /**
   * Whether an error was raised after `seq`. A kept snapshot older than an error is not handed out:
   * a tab starts from its snapshot's `seq`, and a tab resuming from there (the dashboard reopens
   * its stream for the study it shows) would hear of an error raised before it came.
   */
  private errorAfter(seq: number): boolean {
    for (const entry of this.ring.after(seq)) if (entry.error) return true;
    return false;
  }

  private snapshot(points: boolean): Promise<Entry> {
    const pending = this.pendingSnapshots.get(points);
    if (pending) return pending;
    const kept = this.lastSnapshots.get(points);
    if (
      kept &&
      this.canReplayAfter(kept.seq) &&
      this.latestSeq - kept.seq <= KEPT_SNAPSHOT_REPLAY &&
      !this.errorAfter(kept.seq)
    )
      return Promise.resolve(kept);
    const taken = this.producer.snapshot(points ? undefined : { points: false }).then(
      (event) => {
        this.pendingSnapshots.delete(points);
        // We subscribed before asking, so every event after this one reached the buffer (unless
        // already pushed out of it). An earlier snapshot may have proven more.
        const covered = Math.max(event.seq, this.ring.lastEvictedSeq);
        this.coveredAfter = Math.min(this.coveredAfter ?? covered, covered);
        this.latestSeq = Math.max(this.latestSeq, event.seq);
        const entry = { seq: event.seq, json: encodeEvent(event) };
        if (entry.json.length <= KEPT_SNAPSHOT_CHARS) this.lastSnapshots.set(points, entry);
        else this.lastSnapshots.delete(points);
        return entry;
      },
      (err) => {
        this.pendingSnapshots.delete(points);
        throw err;
      },
    );
    this.pendingSnapshots.set(points, taken);
    return taken;
  }
}

/**
 * The most recent events, oldest first, in a fixed-size circular array, holding at most
 * `maxBytes` of encoded events.
 */
class ReplayBuffer {
  private readonly items: (Entry | undefined)[];
  private start = 0;
  private size = 0;
  private bytes = 0;
  /** The `seq` of the newest event dropped so far (-1 before any). */
  lastEvictedSeq = -1;

  constructor(
    capacity: number,
    private readonly maxBytes: number,
  ) {
    this.items = new Array(Math.max(1, capacity));
  }

  /** Adds an entry; returns the highest `seq` it dropped to make room, if any. */
  push(entry: Entry): number | undefined {
    const entryBytes = Buffer.byteLength(entry.json);
    let dropped: number | undefined;
    while (this.size > 0 && (this.size === this.items.length || this.bytes + entryBytes > this.maxBytes)) {
      dropped = this.dropOldest();
    }
    if (entryBytes > this.maxBytes) {
      // Too big to keep: streamed live, but a reconnecting client gets a snapshot instead.
      this.lastEvictedSeq = Math.max(this.lastEvictedSeq, entry.seq);
      return this.lastEvictedSeq;
    }
    this.items[(this.start + this.size++) % this.items.length] = entry;
    this.bytes += entryBytes;
    return dropped;
  }

  private dropOldest(): number {
    const evicted = this.items[this.start]!;
    this.items[this.start] = undefined;
    this.start = (this.start + 1) % this.items.length;
    this.size--;
    this.bytes -= Buffer.byteLength(evicted.json);
    this.lastEvictedSeq = Math.max(this.lastEvictedSeq, evicted.seq);
    return this.lastEvictedSeq;
  }

  /** The entries with a `seq` above `seq`, oldest first. */
  *after(seq: number): Generator<Entry> {
    for (let i = 0; i < this.size; i++) {
      const entry = this.items[(this.start + i) % this.items.length]!;
      if (entry.seq > seq) yield entry;
    }
  }
}

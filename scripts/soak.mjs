// The soak test: SSE clients (some slow, some reconnecting with Last-Event-ID) follow a dashboard
// server while producers post metric points; every client must see every event exactly once, the
// server's memory must stay bounded and its writes fast. `npm run soak` runs the long form; the
// CI-sized form is test/server/soak.test.ts. Sized by env vars: SOAK_CLIENTS, SOAK_POINTS_PER_S,
// SOAK_SECONDS, SOAK_POINTS_PER_POST (default 250). Traffic goes to 127.0.0.1 only.
import { spawn } from 'node:child_process';
import { get, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, root } from './ensure-built.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the server process; resolves with its URL and a stop function. */
function startServer() {
  const child = spawn(process.execPath, [join(root, 'scripts/soak-server.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /serving on (\S+)/.exec(output);
      if (match) {
        resolve({
          url: match[1],
          stop: () =>
            new Promise((done) => {
              child.once('exit', done);
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`soak server exited with ${code}: ${output}`)));
  });
}

function post(url, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/events`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 202 ? resolve() : reject(new Error(`POST ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function health(url) {
  return (await fetch(`${url}/healthz`)).json();
}

/**
 * One SSE client that checks its own stream: after a snapshot, every event's id is the previous
 * one plus one, across reconnects. `kind`: 'steady', 'slow' (reads in pauses) or 'reconnecting'
 * (drops its connection every few seconds and resumes with Last-Event-ID).
 */
class CheckingClient {
  last;
  missed = 0;
  duplicates = 0;
  snapshots = 0;
  connections = 0;
  busy = 0;
  errors = [];
  #closed = false;
  #res;
  #timer;

  constructor(url, kind) {
    this.url = url;
    this.kind = kind;
  }

  connect() {
    if (this.#closed) return;
    this.connections++;
    const headers = this.last === undefined ? {} : { 'last-event-id': String(this.last) };
    const req = get(`${this.url}/events`, { headers, agent: false }, (res) => {
      if (res.statusCode === 503) {
        this.busy++;
        res.resume();
        return this.#retry(1000);
      }
      this.#res = res;
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          this.#onBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
        if (this.kind === 'slow') {
          res.pause();
          setTimeout(() => res.resume(), 20);
        }
      });
      res.on('close', () => this.#retry(100));
      if (this.kind === 'reconnecting') {
        this.#timer = setTimeout(() => res.destroy(), 1500 + Math.random() * 2500);
      }
    });
    req.on('error', () => this.#retry(200));
  }

  #retry(ms) {
    clearTimeout(this.#timer);
    this.#res = undefined;
    if (!this.#closed) setTimeout(() => this.connect(), ms);
  }

  #onBlock(block) {
    if (!block.startsWith('id: ')) return; // comments, retry
    const id = Number(block.slice(4, block.indexOf('\n')));
    if (block.includes('"type":"snapshot"')) {
      this.snapshots++;
      if (this.last !== undefined && id < this.last)
        this.errors.push(`snapshot ${id} older than ${this.last}`);
      this.last = id;
      return;
    }
    if (this.last === undefined) this.errors.push(`event ${id} before any snapshot`);
    else if (id <= this.last) this.duplicates++;
    else this.missed += id - this.last - 1;
    this.last = id;
  }

  close() {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#res?.destroy();
  }
}

/**
 * Runs the soak and resolves with its figures. Producers post `pointsPerPost` points per request
 * to trials they own, paced to `pointsPerSecond` in total.
 */
export async function runSoak({
  clients = 50,
  pointsPerSecond = 2000,
  seconds = 20,
  pointsPerPost = 100,
  // Each producer waits for its answer before the next post, as a trainer would: enough of them
  // that the rate holds when an answer takes 100 ms.
  producers = Math.max(4, Math.ceil(pointsPerSecond / pointsPerPost / 10)),
  trials = producers * 4,
  log = () => {},
} = {}) {
  ensureBuilt({ types: false, log });
  const server = await startServer();
  const started = Date.now();
  try {
    const { url } = server;
    const studyId = 'soak';
    await post(url, {
      v: 1,
      seq: 0,
      type: 'study.upsert',
      study: { id: studyId, name: 'soak', status: 'running', createdAt: started },
    });
    for (let i = 0; i < trials; i++) {
      const trial = {
        id: `t${i}`,
        studyId,
        number: i,
        status: 'running',
        params: { i },
        tags: {},
        flags: [],
      };
      await post(url, { v: 1, seq: 0, type: 'trial.upsert', trial });
    }

    const kinds = ['steady', 'steady', 'steady', 'slow', 'reconnecting'];
    const followers = Array.from(
      { length: clients },
      (_, i) => new CheckingClient(url, kinds[i % kinds.length]),
    );
    for (const client of followers) client.connect();

    const postsPerSecond = pointsPerSecond / pointsPerPost;
    const endAt = Date.now() + seconds * 1000;
    let posted = 0;
    const roundTrips = [];
    const produce = async (p) => {
      const owned = Array.from({ length: trials }, (_, i) => i).filter((i) => i % producers === p);
      const steps = new Map(owned.map((i) => [i, 0]));
      const begin = Date.now();
      let sent = 0;
      while (Date.now() < endAt) {
        const due = ((Date.now() - begin) / 1000) * (postsPerSecond / producers);
        if (sent >= due) {
          await sleep(Math.max(1, ((sent + 1 - due) / (postsPerSecond / producers)) * 1000));
          continue;
        }
        const i = owned[sent % owned.length];
        const from = steps.get(i);
        steps.set(i, from + pointsPerPost);
        const stepList = Array.from({ length: pointsPerPost }, (_, k) => from + k);
        const now = Date.now();
        const batch = {
          trialId: `t${i}`,
          key: 'loss',
          steps: stepList,
          values: stepList.map((s) => 1 / (s + 1)),
          timestamps: stepList.map(() => now),
        };
        const t0 = performance.now();
        await post(url, { v: 1, seq: 0, type: 'metrics.append', batches: [batch] });
        roundTrips.push(performance.now() - t0);
        posted += pointsPerPost;
        sent++;
      }
    };
    await Promise.all(Array.from({ length: producers }, (_, p) => produce(p)));
    const producingS = (Date.now() - started) / 1000;
    log(`posted ${posted} points in ${producingS.toFixed(1)} s; waiting for clients to catch up…`);

    const { lastSeq } = await health(url);
    const catchUpBy = Date.now() + 30_000;
    while (Date.now() < catchUpBy && followers.some((c) => c.last !== lastSeq)) await sleep(100);
    const behind = followers.filter((c) => c.last !== lastSeq).length;
    const final = await health(url);
    for (const client of followers) client.close();

    const sum = (key) => followers.reduce((total, c) => total + c[key], 0);
    roundTrips.sort((a, b) => a - b);
    return {
      clients,
      seconds,
      pointsPosted: posted,
      pointsPerSecond: Math.round(posted / seconds),
      events: lastSeq,
      behind,
      missed: sum('missed'),
      duplicates: sum('duplicates'),
      errors: followers.flatMap((c) => c.errors).slice(0, 10),
      snapshots: sum('snapshots'),
      connections: sum('connections'),
      turnedAway: sum('busy'),
      postRoundTripMaxMs: Math.round(roundTrips.at(-1) ?? 0),
      server: {
        baselineRssMiB: +(final.baselineRssBytes / 2 ** 20).toFixed(1),
        peakRssMiB: +(final.peakRssBytes / 2 ** 20).toFixed(1),
        rssGrowthMiB: +((final.peakRssBytes - final.baselineRssBytes) / 2 ** 20).toFixed(1),
        peakHeapMiB: +(final.peakHeapBytes / 2 ** 20).toFixed(1),
        writes: final.writes,
        writeMaxMs: +final.writeMaxMs.toFixed(1),
        writeP99Ms: +final.writeP99Ms.toFixed(1),
        loopDelayMaxMs: +final.loopDelayMaxMs.toFixed(1),
      },
    };
  } finally {
    await server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = (name, fallback) => Number(process.env[name] ?? fallback);
  const report = await runSoak({
    clients: env('SOAK_CLIENTS', 200),
    pointsPerSecond: env('SOAK_POINTS_PER_S', 10_000),
    seconds: env('SOAK_SECONDS', 60),
    pointsPerPost: env('SOAK_POINTS_PER_POST', 250),
    log: (line) => console.log(`[soak] ${line}`),
  });
  console.log(JSON.stringify(report, null, 2));
  const failed = report.missed || report.duplicates || report.behind || report.errors.length;
  process.exit(failed ? 1 : 0);
}

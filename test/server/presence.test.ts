// Presence over a real dashboard server: two SSE clients see each other, a closed stream or a
// silent tab disappears, and heartbeats move a viewer between studies.
import { afterEach, describe, expect, it } from 'vitest';
import type { StudyPresence } from '../../src/protocol/index.js';
import {
  createEventStream,
  createPresenceHandler,
  type DashboardServer,
  type EventStreamOptions,
  identityFromHeader,
  PresenceRoom,
  startDashboardServer,
} from '../../src/server/index.js';
import { study, TestProducer, trial } from '../client/fixtures.js';
import { behindBodyParser, SseReader, serve } from './helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

type Studies = {
  studyId: string;
  viewers: { id: string; name: string; color: string }[];
  anonymous: number;
}[];

async function setup(presence: EventStreamOptions['presence'] = {}) {
  const producer = new TestProducer();
  producer.upsertStudy(study('s1'));
  producer.upsertStudy(study('s2'));
  producer.upsertTrial(trial('t1', 's1'));
  const stream = createEventStream(producer, { presence });
  const server: DashboardServer = await startDashboardServer({
    page: { title: 'presence', attributes: { src: '/events' } },
    bundle: '',
    events: stream,
    presence: stream.presence && createPresenceHandler(stream.presence),
  });
  cleanup.push(
    () => server.close(),
    () => stream.close(),
  );
  return { server, stream };
}

/** An SSE client that keeps the latest presence it was sent. */
async function viewer(server: DashboardServer, query: Record<string, string>) {
  const controller = new AbortController();
  const url = `${server.url}/events?${new URLSearchParams(query)}`;
  const response = await fetch(url, { signal: controller.signal });
  const reader = new SseReader(response.body!);
  cleanup.push(() => controller.abort());
  let latest: Studies | undefined;
  let ended = false;
  const events: string[] = [];
  void (async () => {
    try {
      for (;;) {
        const { event } = await reader.nextEvent(60_000);
        events.push(event.type as string);
        if (event.type === 'presence') latest = event.studies as Studies;
      }
    } catch {
      ended = true;
    }
  })();
  return {
    close: () => controller.abort(),
    events,
    get ended() {
      return ended;
    },
    /** Waits until the latest presence satisfies `check`. */
    async sees(check: (studies: Studies) => boolean, timeoutMs = 1000): Promise<Studies> {
      const deadline = Date.now() + timeoutMs;
      while (!(latest && check(latest))) {
        if (Date.now() > deadline)
          throw new Error(`presence not as expected within ${timeoutMs} ms: ${JSON.stringify(latest)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return latest;
    },
  };
}

const names = (studies: Studies, studyId: string) =>
  studies.find((s) => s.studyId === studyId)?.viewers.map((v) => v.name) ?? [];

function post(server: DashboardServer, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/presence`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('presence on a dashboard server', () => {
  it('lets two viewers of a study see each other within a second', async () => {
    const { server } = await setup();
    const ada = await viewer(server, { viewer: 'ada-tab-1', study: 's1', name: 'Ada', color: '#3366cc' });
    const bob = await viewer(server, { viewer: 'bob-tab-1', study: 's1', name: 'Bob' });
    const seenByAda = await ada.sees((s) => names(s, 's1').length === 2);
    await bob.sees((s) => names(s, 's1').length === 2);
    expect(seenByAda).toEqual([
      {
        studyId: 's1',
        viewers: [
          { id: 'ada-tab-1', name: 'Ada', color: '#3366cc' },
          { id: 'bob-tab-1', name: 'Bob', color: expect.stringMatching(/^#[0-9a-f]{6}$/) },
        ],
        anonymous: 0,
        more: 0,
      },
    ]);
  });

  it('sends the snapshot first, then the presence', async () => {
    const { server } = await setup();
    const ada = await viewer(server, { viewer: 'ada-tab-1', study: 's1', name: 'Ada' });
    await ada.sees((s) => names(s, 's1').includes('Ada'));
    expect(ada.events.slice(0, 2)).toEqual(['snapshot', 'presence']);
  });

  it('drops a viewer whose stream closes, as soon as it closes', async () => {
    const { server } = await setup();
    const ada = await viewer(server, { viewer: 'ada-tab-1', study: 's1', name: 'Ada' });
    const bob = await viewer(server, { viewer: 'bob-tab-1', study: 's1', name: 'Bob' });
    await ada.sees((s) => names(s, 's1').length === 2);
    bob.close();
    await ada.sees((s) => names(s, 's1').join() === 'Ada');
  });

  it('drops a viewer that stops its heartbeats though its stream stays open, and takes it back when it beats again', async () => {
    const { server } = await setup({ timeoutMs: 300 });
    const ada = await viewer(server, { viewer: 'ada-tab-1', study: 's1', name: 'Ada' });
    const bob = await viewer(server, { viewer: 'bob-tab-1', study: 's1', name: 'Bob' });
    const beat = setInterval(() => void post(server, { viewer: 'ada-tab-1', study: 's1', name: 'Ada' }), 50);
    cleanup.push(() => clearInterval(beat));
    await ada.sees((s) => names(s, 's1').length === 2);
    // Bob's tab went silent (a lost connection the server cannot see): gone after the timeout.
    await ada.sees((s) => names(s, 's1').join() === 'Ada', 2000);
    expect(bob.ended).toBe(false);
    expect((await post(server, { viewer: 'bob-tab-1', study: 's1', name: 'Bob' })).status).toBe(204);
    await ada.sees((s) => names(s, 's1').length === 2);
  });

  it('moves a viewer to the study its heartbeat names', async () => {
    const { server } = await setup();
    const ada = await viewer(server, { viewer: 'ada-tab-1', study: 's1', name: 'Ada' });
    await ada.sees((s) => names(s, 's1').includes('Ada'));
    expect((await post(server, { viewer: 'ada-tab-1', study: 's2', name: 'Ada' })).status).toBe(204);
    const now = await ada.sees((s) => names(s, 's2').includes('Ada'));
    expect(names(now, 's1')).toEqual([]);
  });

  it('counts viewers without a name, and does not count streams that announced no viewer', async () => {
    const { server, stream } = await setup();
    const ada = await viewer(server, { viewer: 'ada-tab-1', study: 's1', name: 'Ada' });
    await viewer(server, { viewer: 'anon-tab-1', study: 's1' });
    await viewer(server, { viewer: 'anon-tab-2', study: 's1' });
    const plain = await viewer(server, {});
    const seen = await ada.sees((s) => s[0]?.anonymous === 2);
    expect(names(seen, 's1')).toEqual(['Ada']);
    expect(stream.presence?.seatCount).toBe(3);
    // A stream without a viewer gets no presence events: readers of v1 and v2 are unaffected.
    await new Promise((r) => setTimeout(r, 200));
    expect(plain.events).toEqual(['snapshot']);
  });

  it('takes the name and colour from the server sign-in over what the tab says', async () => {
    const { server } = await setup({
      identify: (req) => ({ name: String(req.headers['x-user'] ?? 'Signed In'), color: '#112233' }),
    });
    const ada = await viewer(server, { viewer: 'ada-tab-1', study: 's1', name: 'Mallory', color: '#ffffff' });
    const seen = await ada.sees((s) => names(s, 's1').length === 1);
    expect(seen[0]!.viewers[0]).toMatchObject({ name: 'Signed In', color: '#112233' });
  });

  it("names viewers by an authenticating proxy's header when told to, and keeps the tab's name without it", async () => {
    const { server } = await setup({ identify: identityFromHeader('X-Forwarded-User') });
    const controller = new AbortController();
    cleanup.push(() => controller.abort());
    const query = new URLSearchParams({ viewer: 'proxied-tab', study: 's1', name: 'Mallory' });
    await fetch(`${server.url}/events?${query}`, {
      headers: { 'x-forwarded-user': 'grace@example.com' },
      signal: controller.signal,
    });
    const ada = await viewer(server, { viewer: 'ada-tab-1', study: 's1', name: 'Ada' });
    const seen = await ada.sees((s) => names(s, 's1').length === 2);
    expect(names(seen, 's1')).toEqual(['Ada', 'grace@example.com']);
  });

  it('serves a stream whose announcement is malformed, uncounted', async () => {
    const { server, stream } = await setup();
    const bad = await viewer(server, { viewer: '<img src=x onerror=alert(1)>', study: 's1', name: 'X' });
    await new Promise((r) => setTimeout(r, 200));
    expect(bad.events).toEqual(['snapshot']);
    expect(stream.presence?.seatCount).toBe(0);
  });

  it('answers heartbeats: 409 for a viewer without a stream, 400 malformed, 415 not JSON, 405 not POST', async () => {
    const { server } = await setup();
    const unknown = await post(server, { viewer: 'nobody-here', study: 's1' });
    expect(unknown.status).toBe(409);
    expect((await unknown.json()).error.code).toBe('unknown_viewer');
    const malformed = await post(server, { viewer: 'ada-tab-1', color: 'red' });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toMatchObject({
      code: 'invalid_announcement',
      message: expect.stringContaining('color'),
    });
    expect((await post(server, '{nope')).status).toBe(400);
    expect((await post(server, {}, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await fetch(`${server.url}/presence`)).status).toBe(405);
  });

  it('refuses a heartbeat posted from another site', async () => {
    const { server } = await setup();
    const res = await post(server, { viewer: 'ada-tab-1' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('takes an announcement a framework parsed first (express.json), and answers one read and dropped at once', async () => {
    const { server, stream } = await setup();
    const ada = await viewer(server, { viewer: 'ada-tab-1', study: 's1', name: 'Ada' });
    const handler = createPresenceHandler(stream.presence!);
    const front = await serve(behindBodyParser(handler) as never);
    cleanup.push(() => front.stop());
    const url = front.url.replace(/events$/, 'presence');
    const post = (keep: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-keep-body': keep },
        body: JSON.stringify({ viewer: 'ada-tab-1', study: 's2', name: 'Ada' }),
        signal: AbortSignal.timeout(10_000),
      });
    expect((await post('yes')).status).toBe(204);
    await ada.sees((s) => names(s, 's2').includes('Ada'));
    const dropped = await post('no');
    expect(dropped.status).toBe(400);
    expect((await dropped.json()).error.code).toBe('body_already_read');
  });

  it('answers fetch requests too, as Hono hands them over (handleRequest)', async () => {
    const { server, stream } = await setup();
    const ada = await viewer(server, { viewer: 'ada-tab-1', study: 's1', name: 'Ada' });
    const handler = createPresenceHandler(stream.presence!);
    const post = (body: unknown) =>
      handler.handleRequest(
        new Request('http://127.0.0.1/presence', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
    expect((await post({ viewer: 'ada-tab-1', study: 's3', name: 'Ada' })).status).toBe(204);
    await ada.sees((s) => names(s, 's3').includes('Ada'));
    const unknown = await post({ viewer: 'nobody-tab-1', study: 's3' });
    expect(unknown.status).toBe(409);
    expect((await unknown.json()).error.code).toBe('unknown_viewer');
    const get = await handler.handleRequest(new Request('http://127.0.0.1/presence'));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('has no presence route when the stream has presence off', async () => {
    const { server } = await setup(false);
    expect((await post(server, { viewer: 'ada-tab-1' })).status).toBe(404);
  });
});

describe('PresenceRoom', () => {
  it('lists at most 100 named viewers of a study and counts the rest in `more`', async () => {
    const room = new PresenceRoom({ coalesceMs: 0 });
    cleanup.push(() => room.close());
    const published = new Promise<StudyPresence[]>((resolve) => room.subscribe(resolve));
    for (let i = 0; i < 103; i++) {
      room.join({ viewer: `viewer-${String(i).padStart(4, '0')}`, study: 's1', name: `V${i}` });
    }
    const [study] = await published;
    expect(study!.viewers).toHaveLength(100);
    expect(study!.more).toBe(3);
    expect(study!.anonymous).toBe(0);
  });

  it('leaves out viewers on no study', async () => {
    const room = new PresenceRoom({ coalesceMs: 0 });
    cleanup.push(() => room.close());
    const published = new Promise<StudyPresence[]>((resolve) => room.subscribe(resolve));
    room.join({ viewer: 'list-viewer', name: 'Ada' });
    room.join({ viewer: 'study-viewer', study: 's1' });
    expect(await published).toEqual([{ studyId: 's1', viewers: [], anonymous: 1, more: 0 }]);
  });
});

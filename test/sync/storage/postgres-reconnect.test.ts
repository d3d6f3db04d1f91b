// The PostgreSQL store rides out a database that drops its connections (a restart, an
// administrator, a proxy's reset) and a database that is not up yet when the service starts.
import { createServer, type Server, Socket } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../scripts/mlflow-server.mjs';
import { type Storage, StoreUnavailableError } from '../../../src/sync/index.js';
import { createPostgresStorage } from '../../../src/sync/storage/postgres.js';
import { uid } from './conformance.js';

const admin = new pg.Client({ connectionString: inject('pgUrl') });
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
});

/** A store on its own schema whose connections carry `application_name`, so they can be found and cut. */
function storeNamed(name: string, connectionString = inject('pgUrl')): Storage {
  const schema = name.replaceAll('-', '_');
  const url = new URL(connectionString);
  url.searchParams.set('application_name', name);
  const storage = createPostgresStorage({ connectionString: url.href, schema });
  closers.push(async () => {
    await storage.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
  return storage;
}

async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the PostgreSQL store', () => {
  it('keeps working, and listening, after the server cuts its connections', async () => {
    await admin.connect();
    closers.push(() => admin.end());
    const name = uid('tk-cut');
    const storage = storeNamed(name);
    const heard: string[] = [];
    await storage.listenChanges((payload) => heard.push(payload));
    expect(await storage.getStudy('none')).toBeUndefined(); // a pooled connection, now idle
    const { rowCount } = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    expect(rowCount).toBeGreaterThanOrEqual(2); // the idle pooled one and the LISTEN one
    // The idle connection's error was heard (an unheard one would crash this process): the next
    // query gets a new connection.
    await until(
      async () =>
        await storage.getStudy('none').then(
          () => true,
          () => false,
        ),
      5_000,
      'a query',
    );
    // Listening starts again on a new connection, and hears other processes' notices.
    const channel = `trialkit_${name.replaceAll('-', '_')}`;
    await until(
      async () => {
        await admin.query(`NOTIFY "${channel}", 'after the cut'`);
        return heard.includes('after the cut');
      },
      10_000,
      'a notice after the cut',
    );
  });

  it('says which server it could not reach, and not the password it was given', async () => {
    const url = new URL(inject('pgUrl'));
    Object.assign(url, { port: String(await freePort()), username: 'ada', password: 'hunter2-secret' });
    const storage = storeNamed(uid('tk-refused'), url.href);
    const refused = await storage.ready().then(
      () => new Error('opened'),
      (err: unknown) => err as Error,
    );
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect(refused.message).toContain(`${url.hostname}:${url.port}`);
    expect(refused.message).not.toMatch(/hunter2|ada@/);
    expect((refused.cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('opens once the server is reachable when it was not at the first operation', async () => {
    const port = await freePort();
    const target = new URL(inject('pgUrl'));
    const storage = storeNamed(
      uid('tk-late'),
      Object.assign(new URL(target.href), { port: String(port) }).href,
    );
    const refused = await storage.ready().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect((refused as Error).message).toMatch(
      new RegExp(`^cannot open the PostgreSQL store at ${target.hostname}:${port}/\\w+: .*ECONNREFUSED`),
    );
    // The database comes up at that address (a proxy to the real one).
    const proxy: Server = createServer((socket) => {
      const upstream = new Socket().connect(Number(target.port || 5432), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => proxy.close(resolve)));
    await until(
      async () =>
        storage.ready().then(
          () => true,
          () => false,
        ),
      10_000,
      'the store opens',
    );
    expect(await storage.msUntilNextJob()).toBeUndefined();
  });
});

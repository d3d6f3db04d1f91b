// A PGlite data directory is opened by one store at a time: a second opener, in this process or
// another, is refused with a typed error instead of corrupting it, and a lock left by a killed
// process is taken over.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, LOCK_FILE } from '../../../src/sync/storage/data-dir-lock.js';
import { createPgliteStorage } from '../../../src/sync/storage/pglite.js';
import { study } from './conformance.js';

const pglite = fileURLToPath(new URL('../../../src/sync/storage/pglite.ts', import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trialkit-lock-'));
  dirs.push(dir);
  return dir;
}

/** Another process with a store open on `dir`; resolves once it holds it. */
async function holdInChild(dir: string): Promise<ChildProcess> {
  const code = `
    import { createPgliteStorage } from ${JSON.stringify(pglite)};
    const store = createPgliteStorage({ dataDir: ${JSON.stringify(dir)} });
    await store.listStudies();
    console.log('open');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      if (output.includes('open')) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('exit', (code) => reject(new Error(`the holder exited (${code}): ${output}`)));
  });
  return child;
}

describe('a PGlite data directory', () => {
  it('is refused to a second store in the same process until the first closes', async () => {
    const dir = tempDir();
    const first = createPgliteStorage({ dataDir: dir });
    const kept = study();
    await first.upsertStudy(kept);
    const second = createPgliteStorage({ dataDir: dir });
    const refused = await second.listStudies().catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect((refused as DataDirInUseError).pid).toBe(process.pid);
    expect((refused as Error).message).toContain('this process');
    await first.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);

    const again = createPgliteStorage({ dataDir: dir });
    expect((await again.listStudies()).map((s) => s.id)).toEqual([kept.id]);
    await again.close();
  });

  it('is refused while another process holds it, and taken over once that process is killed', async () => {
    const dir = tempDir();
    const holder = await holdInChild(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(holder.pid));

    const refused = await createPgliteStorage({ dataDir: dir })
      .listStudies()
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(DataDirInUseError);
    expect((refused as DataDirInUseError).pid).toBe(holder.pid);
    expect((refused as Error).message).toContain(`process ${holder.pid}`);

    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    // The killed process could not release its lock: the next opener finds it stale.
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    const store = createPgliteStorage({ dataDir: dir });
    expect(await store.listStudies()).toEqual([]);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    await store.close();
  });
});

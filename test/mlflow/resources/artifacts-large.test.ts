// A 200 MB artifact through the proxy, up and down, in a child process running the built client,
// so its peak resident memory measures the client and not the test runner.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root } from '../../../scripts/ensure-built.mjs';
import { freshRun, mlflowUri, testClient } from '../helpers.js';

const SIZE = 200 * 1024 * 1024;
/**
 * Below twice the file: nothing in the client holds the whole file. Node's fetch (undici) keeps
 * sent request chunks until a later GC, so the upload peaks near 300 MB where `node:http` piping
 * the same file peaks near 100 MB; the download alone peaks near 140 MB.
 */
const MAX_RSS = 1.75 * SIZE;
const dir = mkdtempSync(join(tmpdir(), 'trialkit-large-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `SIZE` pseudo-random bytes, one megabyte at a time, and returns their SHA-256. */
function writeLargeFile(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'w');
  let seed = 0x2545f491;
  const chunk = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < SIZE; written += chunk.length) {
    for (let i = 0; i < chunk.length; i += 4) {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      chunk.writeUInt32LE(seed, i);
    }
    writeSync(fd, chunk);
    hash.update(chunk);
  }
  closeSync(fd);
  return hash.digest('hex');
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const child = `
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
const [clientUrl, trackingUri, runId, source, target] = process.argv.slice(1);
const { MlflowClient } = await import(clientUrl);
const client = new MlflowClient({ trackingUri, timeoutMs: 600_000 });
await client.uploadArtifact(runId, 'big/weights.bin', source);
const body = await client.downloadArtifact(runId, 'big/weights.bin');
await pipeline(Readable.fromWeb(body), createWriteStream(target));
console.log(JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
`;

describe('a 200 MB artifact', () => {
  it('uploads from a file and downloads to a file byte-identical, with bounded memory', async () => {
    ensureBuilt({ types: false });
    const { runId } = await freshRun(testClient(), 'large');
    const source = join(dir, 'weights.bin');
    const target = join(dir, 'downloaded.bin');
    const expected = writeLargeFile(source);
    const clientUrl = pathToFileURL(join(root, 'dist/mlflow/index.js')).href;
    const result = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', child, clientUrl, mlflowUri(), runId, source, target],
      { encoding: 'utf8', timeout: 600_000 },
    );
    expect(result.status, result.stderr).toBe(0);
    const { maxRssBytes } = JSON.parse(result.stdout) as { maxRssBytes: number };
    console.log(`200 MB upload + download: peak RSS ${(maxRssBytes / 1024 / 1024).toFixed(1)} MB`);
    expect(await sha256Of(target)).toBe(expected);
    expect(maxRssBytes).toBeLessThan(MAX_RSS);
  }, 900_000);
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freshRun, testClient, uniqueName } from '../helpers.js';

const client = testClient();

describe('artifacts', () => {
  it('lists the artifacts of a run (none yet) with its root URI', async () => {
    const { runId } = await freshRun(client);
    const listing = await client.listArtifacts(runId);
    expect(listing.rootUri).toContain(runId);
    expect(listing.files).toEqual([]);
    const all = [];
    for await (const file of client.iterateArtifacts(runId)) all.push(file);
    expect(all).toEqual([]);
  });

  it('lists artifacts the server has for a run, directory by directory', async () => {
    const run = await client.createRun({ experimentId: await client.createExperiment(uniqueName('art')) });
    // The test server stores artifacts on the local disk; put files there as an upload would.
    const root = fileURLToPath(run.info.artifactUri ?? '');
    mkdirSync(join(root, 'model'), { recursive: true });
    writeFileSync(join(root, 'model', 'weights.bin'), Buffer.alloc(1234));
    writeFileSync(join(root, 'notes.txt'), 'hi');
    const top = await client.listArtifacts(run.info.runId);
    expect(top.files).toEqual(
      expect.arrayContaining([
        { path: 'model', isDir: true, fileSize: undefined },
        { path: 'notes.txt', isDir: false, fileSize: 2 },
      ]),
    );
    const inner = await client.listArtifacts(run.info.runId, { path: 'model' });
    expect(inner.files).toEqual([{ path: 'model/weights.bin', isDir: false, fileSize: 1234 }]);
  });
});

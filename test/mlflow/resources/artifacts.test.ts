import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  MlflowInvalidRequestError,
  MlflowNotFoundError,
  MlflowValidationError,
} from '../../../src/mlflow/index.js';
import { freshRun, testClient, uniqueName } from '../helpers.js';

const client = testClient();

/** Every byte of a web stream. */
async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

describe('artifacts', () => {
  it("writes text and a dict as Python's log_text and log_dict do", async () => {
    const { runId } = await freshRun(client, 'log-text');
    await client.logText(runId, 'ça va\n', 'notes/readme.txt');
    await client.logDict(runId, { lr: 0.01, layers: [64, 32] }, 'config.json');
    const text = async (path: string) =>
      new TextDecoder().decode(await bytesOf(await client.downloadArtifact(runId, path)));
    expect(await text('notes/readme.txt')).toBe('ça va\n');
    expect(await text('config.json')).toBe('{\n  "lr": 0.01,\n  "layers": [\n    64,\n    32\n  ]\n}');
    await expect(client.logDict(runId, {}, 'config.yaml')).rejects.toThrow(MlflowValidationError);
  });

  it('says which file is missing when a path to upload does not exist', async () => {
    const { runId } = await freshRun(client, 'missing-file');
    const missing = join(tmpdir(), 'trialkit-no-such-file.txt');
    const error = await client.uploadArtifact(runId, 'x.txt', missing).catch((e) => e);
    expect(error).toBeInstanceOf(MlflowValidationError);
    expect(error.message).toContain(`cannot upload ${missing}: no such file`);
  });

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
    await client.uploadArtifact(run.info.runId, 'model/weights.bin', new Uint8Array(1234));
    await client.uploadArtifact(run.info.runId, 'notes.txt', new TextEncoder().encode('hi'));
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

  it('uploads bytes, a Blob, a stream and a file, and downloads each byte for byte', async () => {
    const { runId } = await freshRun(client, 'art');
    const bytes = new Uint8Array(70_000).map((_, i) => i % 251);
    const file = join(mkdtempSync(join(tmpdir(), 'trialkit-art-')), 'weights.bin');
    writeFileSync(file, bytes);
    const bodies = {
      'a/bytes.bin': bytes,
      'a/blob.bin': new Blob([bytes]),
      'a/stream.bin': new Blob([bytes]).stream(),
      'a/file.bin': file,
      'a/file-url.bin': pathToFileURL(file),
    };
    for (const [path, body] of Object.entries(bodies)) await client.uploadArtifact(runId, path, body);
    for (const path of Object.keys(bodies)) {
      expect(await bytesOf(await client.downloadArtifact(runId, path))).toEqual(Buffer.from(bytes));
    }
  });

  it('keeps non-ASCII and spaces in artifact paths', async () => {
    const { runId } = await freshRun(client, 'art');
    const path = 'résultats/モデル 1/poids n°1.bin';
    await client.uploadArtifact(runId, path, new TextEncoder().encode('ça va'));
    expect(new TextDecoder().decode(await bytesOf(await client.downloadArtifact(runId, path)))).toBe('ça va');
    const listing = await client.listArtifacts(runId, { path: 'résultats/モデル 1' });
    expect(listing.files).toEqual([{ path, isDir: false, fileSize: 6 }]);
    // MLflow refuses some characters in paths (`#`), by its error code.
    await expect(client.uploadArtifact(runId, 'a#b.txt', new Uint8Array(1))).rejects.toBeInstanceOf(
      MlflowInvalidRequestError,
    );
  });

  it('throws MlflowNotFoundError for a missing artifact or run', async () => {
    const { runId } = await freshRun(client, 'art');
    await expect(client.downloadArtifact(runId, 'nothing/here.txt')).rejects.toBeInstanceOf(
      MlflowNotFoundError,
    );
    await expect(client.uploadArtifact('0'.repeat(32), 'x.txt', new Uint8Array(1))).rejects.toBeInstanceOf(
      MlflowNotFoundError,
    );
  });

  it('refuses paths that leave the run and runs whose artifacts the server does not proxy', async () => {
    const { runId } = await freshRun(client, 'art');
    for (const path of ['', '../other/x', 'a//b', '/abs']) {
      await expect(client.uploadArtifact(runId, path, new Uint8Array(1))).rejects.toBeInstanceOf(
        MlflowValidationError,
      );
    }
    const local = pathToFileURL(mkdtempSync(join(tmpdir(), 'trialkit-local-'))).href;
    const experimentId = await client.createExperiment(uniqueName('local'), { artifactLocation: local });
    const run = await client.createRun({ experimentId });
    await expect(client.downloadArtifact(run.info.runId, 'x.txt')).rejects.toMatchObject({
      constructor: MlflowValidationError,
      key: 'artifactUri',
    });
  });
});

// What MLflow's Python client registers, trialkit reads identically, and the other way round:
// registered models, versions, aliases, tags, a logged model and an artifact with a non-ASCII path.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { venvPython } from '../../scripts/mlflow-server.mjs';
import type { MlflowClient } from '../../src/mlflow/index.js';
import { freshRun, mlflowUri, testClient, uniqueName } from './helpers.js';

const client = testClient();
const ARTIFACT = 'modèle/データ/poids ñ.bin';

/** Runs Python with MLflow pointed at the test server; returns its stdout as JSON. */
function python(code: string, ...args: string[]): unknown {
  const out = execFileSync(venvPython, ['-c', code, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MLFLOW_TRACKING_URI: mlflowUri(), GIT_PYTHON_REFRESH: 'quiet' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? 'null');
}

/** What Python sees of a model, its versions, a logged model and an artifact, in one shape. */
const describePython = `
import hashlib, json, sys, tempfile
from mlflow import MlflowClient
c = MlflowClient()
name, model_id, run_id, path = sys.argv[1:5]
m = c.get_registered_model(name)
versions = sorted(c.search_model_versions(f"name = '{name}'"), key=lambda v: int(v.version))
lm = c.get_logged_model(model_id)
local = c.download_artifacts(run_id, path, tempfile.mkdtemp())
print(json.dumps({
  "model": {"name": m.name, "description": m.description or "", "tags": m.tags, "aliases": m.aliases},
  "versions": [{"version": v.version, "source": v.source, "runId": v.run_id, "tags": v.tags,
                "aliases": sorted(v.aliases), "description": v.description or "", "status": v.status,
                "stage": v.current_stage, "created": v.creation_timestamp} for v in versions],
  "logged": {"modelId": lm.model_id, "name": lm.name, "experimentId": lm.experiment_id,
             "status": str(lm.status.value if hasattr(lm.status, "value") else lm.status),
             "modelType": lm.model_type, "sourceRunId": lm.source_run_id, "tags": lm.tags,
             "params": lm.params, "artifactLocation": lm.artifact_location, "created": lm.creation_timestamp},
  "artifactSha256": hashlib.sha256(open(local, "rb").read()).hexdigest(),
}))
`;

/** The same description, read by trialkit. */
async function describeTrialkit(mlflow: MlflowClient, name: string, modelId: string, runId: string) {
  const m = await mlflow.getRegisteredModel(name);
  const versions = [];
  for await (const v of mlflow.searchModelVersions({ filter: `name = '${name}'` })) versions.push(v);
  versions.sort((a, b) => Number(a.version) - Number(b.version));
  const lm = await mlflow.getLoggedModel(modelId);
  const hash = createHash('sha256');
  for await (const chunk of await mlflow.downloadArtifact(runId, ARTIFACT)) hash.update(chunk);
  return {
    model: { name: m.name, description: m.description ?? '', tags: m.tags, aliases: m.aliases },
    versions: versions.map((v) => ({
      version: v.version,
      source: v.source,
      runId: v.runId,
      tags: v.tags,
      aliases: [...v.aliases].sort(),
      description: v.description ?? '',
      status: v.status,
      stage: v.currentStage,
      created: v.creationTimestamp,
    })),
    logged: {
      modelId: lm.modelId,
      name: lm.name,
      experimentId: lm.experimentId,
      status: lm.status,
      modelType: lm.modelType,
      sourceRunId: lm.sourceRunId,
      tags: lm.tags,
      params: lm.params,
      artifactLocation: lm.artifactLocation,
      created: lm.creationTimestamp,
    },
    artifactSha256: hash.digest('hex'),
  };
}

describe("registry, logged models and artifacts agree with MLflow's Python client", () => {
  it('reads what Python registers identically', async () => {
    const prefix = uniqueName('py-reg');
    const written = python(
      `
import json, os, sys, tempfile
from mlflow import MlflowClient
c = MlflowClient()
prefix, artifact = sys.argv[1:3]
exp = c.create_experiment(prefix)
run_id = c.create_run(exp).info.run_id
d = tempfile.mkdtemp()
local = os.path.join(d, os.path.basename(artifact))
with open(local, "wb") as f:
    f.write(os.urandom(3 * 1024 * 1024))
c.log_artifact(run_id, local, artifact_path=os.path.dirname(artifact))
name = prefix + "-modèle"
c.create_registered_model(name, tags={"team": "vision"}, description="détecteur")
c.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id, tags={"k": "v"}, description="one")
c.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id)
c.set_registered_model_alias(name, "champion", "2")
c.set_registered_model_alias(name, "challenger", "1")
c.set_model_version_tag(name, "1", "validated", "true")
lm = c.create_logged_model(exp, name="clf", model_type="sklearn", source_run_id=run_id,
                           params={"lr": "0.01"}, tags={"a": "b"})
c.finalize_logged_model(lm.model_id, "READY")
print(json.dumps({"name": name, "modelId": lm.model_id, "runId": run_id}))
`,
      prefix,
      ARTIFACT,
    ) as { name: string; modelId: string; runId: string };
    const seenByPython = python(describePython, written.name, written.modelId, written.runId, ARTIFACT);
    const seenByTrialkit = await describeTrialkit(client, written.name, written.modelId, written.runId);
    expect(seenByTrialkit).toEqual(seenByPython);
    expect(seenByTrialkit.model.aliases).toEqual({ champion: '2', challenger: '1' });
  });

  it('writes what Python reads identically', async () => {
    const { experimentId, runId } = await freshRun(client, 'ts-reg');
    const bytes = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7919) % 256);
    await client.uploadArtifact(runId, ARTIFACT, bytes);
    const name = uniqueName('ts-modèle');
    await client.createRegisteredModel(name, { tags: { team: 'vision' }, description: 'détecteur' });
    await client.createModelVersion({
      name,
      source: `runs:/${runId}/model`,
      runId,
      tags: { k: 'v' },
      description: 'one',
    });
    await client.createModelVersion({ name, source: `runs:/${runId}/model`, runId });
    await client.setRegisteredModelAlias(name, 'champion', '2');
    await client.setModelVersionTag(name, '1', 'validated', true);
    const lm = await client.createLoggedModel({
      experimentId,
      name: 'clf',
      modelType: 'sklearn',
      sourceRunId: runId,
      params: { lr: 0.01 },
      tags: { a: 'b' },
    });
    await client.finalizeLoggedModel(lm.modelId, 'READY');
    const seenByPython = python(describePython, name, lm.modelId, runId, ARTIFACT);
    const seenByTrialkit = await describeTrialkit(client, name, lm.modelId, runId);
    expect(seenByPython).toEqual(seenByTrialkit);
    expect(seenByTrialkit.artifactSha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});

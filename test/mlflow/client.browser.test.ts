// The same client module, in Chromium, against the test MLflow server (a cross-origin request:
// the page is served from localhost, MLflow listens on 127.0.0.1).
import { expect } from '@open-wc/testing';
// @ts-expect-error served by the test runner's MLflow peer plugin
import { mlflowUri } from '/__trialkit/env.js';
import { MlflowClient, MlflowNotFoundError } from '../../src/mlflow/index.js';

const client = new MlflowClient({ trackingUri: mlflowUri as string });
const unique = (prefix: string) => `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe('MlflowClient in the browser', () => {
  it('creates an experiment and a run, logs a batch with NaN and reads it back', async () => {
    const experimentId = await client.createExperiment(unique('browser'));
    const run = await client.createRun({ experimentId, runName: 'in-chromium', tags: { where: 'browser' } });
    await client.logBatch(run.info.runId, {
      metrics: [
        { key: 'loss', value: 0.5, step: 0, timestamp: 1 },
        { key: 'loss', value: Number.NaN, step: 1, timestamp: 2 },
      ],
      params: { lr: 0.01 },
    });
    const fetched = await client.getRun(run.info.runId);
    expect(fetched.info.runName).to.equal('in-chromium');
    expect(fetched.data.params).to.deep.equal({ lr: '0.01' });
    expect(fetched.data.tags.where).to.equal('browser');
    const history = await client.getMetricHistory(run.info.runId, 'loss');
    expect(history.map((p) => p.step)).to.deep.equal([0, 1]);
    expect(Number.isNaN(history[1].value)).to.equal(true);
  });

  it('logs through a RunLogger and finds the run by search', async () => {
    const experimentId = await client.createExperiment(unique('browser-logger'));
    const run = await client.createRun({ experimentId });
    const logger = client.runLogger(run.info.runId);
    for (let step = 0; step < 2500; step++) logger.logMetric('acc', step / 2500, { step, timestamp: 10 });
    await logger.close();
    expect(await client.getMetricHistory(run.info.runId, 'acc')).to.have.length(2500);
    const found = [];
    for await (const r of client.iterateRuns({ experimentIds: [experimentId] })) found.push(r.info.runId);
    expect(found).to.deep.equal([run.info.runId]);
  });

  it('throws typed errors', async () => {
    let error: unknown;
    try {
      await client.getRun('0123456789abcdef0123456789abcdef');
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(MlflowNotFoundError);
  });
});

/**
 * The screenshot page: a run list beside a trial table, fed by a generated study of 50 trials
 * (some failed and pruned, a flag, MLflow links). `?theme=dark` or `?theme=light`.
 */
import { html, render } from 'lit';
import { TrialStore } from '../../src/client/store.js';
import { RunList } from '../../src/components/run-list/run-list.js';
import { TrialTable } from '../../src/components/trial-table/trial-table.js';
import { studies, studySnapshot } from '../../test/fixtures/studies.js';

RunList.define();
TrialTable.define();

const theme = new URL(location.href).searchParams.get('theme') ?? 'light';
const store = new TrialStore();
const sweep = studySnapshot({
  trials: 50,
  params: 8,
  points: 12,
  name: 'resnet50-cifar100 sweep',
  seed: 7,
  // Recent, so that the running trial's duration is a realistic one.
  createdAt: Date.now() - 55 * 60_000,
});
const others = studies(14).map((s, i) => ({
  ...s,
  name: ['vit-small lr sweep', 'bert-base dropout', 'unet depth search'][i % 3] + ` #${i + 1}`,
}));
store.applyTrusted({
  ...sweep,
  studies: [...sweep.studies, ...others],
});
store.flush();

document.body.style.background = theme === 'dark' ? '#0b0d10' : '#eef0f3';
render(
  html`<div style="display: flex; gap: 12px; padding: 12px; height: 720px; box-sizing: border-box; font-family: system-ui">
    <trial-run-list theme=${theme} .store=${store} selected="study-1" style="width: 300px; height: 100%; border-radius: 6px; overflow: hidden"></trial-run-list>
    <trial-table
      theme=${theme}
      .store=${store}
      study="study-1"
      mlflow-ui-url="http://127.0.0.1:5000"
      .sort=${[{ column: 'number', direction: 'desc' }]}
      .selected=${['study-1-t44', 'study-1-t41']}
      .columns=${['status', 'number', 'metric:val_loss', 'metric:val_accuracy', 'param:lr', 'param:batch_size', 'param:optimizer', 'param:dropout', 'param:depth', 'duration', 'started', 'flags', 'mlflow']}
      style="flex: 1; min-width: 0; --trialkit-table-height: 100%"
    ></trial-table>
  </div>`,
  document.body,
);
(window as unknown as { ready: boolean }).ready = true;

// `npm run bench:importance`: fANOVA parameter importance (64 trees, as Optuna) on studies of
// 12 params (4 log, 4 linear, 4 categorical of 3-6 choices), in Node (the view runs it in a Web Worker).
//   ours:     the forest grown from per-feature orders kept through the splits, marginals by one
//             sweep over the leaves (src/components/param-importance/fanova.ts)
//   baseline: the same forest the obvious way, each node sorting its rows per feature, marginals read
//             at every midpoint of the tree's thresholds (test/support/fanova-reference.ts: what
//             scikit-learn's splitter and Optuna's tree walk do), run where it finishes in minutes
// Both draw the same random numbers, so they grow the same trees: the largest importance difference
// is printed too. Target: 10,000 trials in under 1 s. BENCH_ROUNDS (default 3) keeps the best of ours.
import { cpus, loadavg } from 'node:os';
import { fanovaProgram } from '../src/components/param-importance/fanova.js';
import type {
  ImportanceInput,
  ImportanceParam,
} from '../src/components/param-importance/importance-types.js';
import { seededRandom } from '../src/server/seeded-random.js';
import { referenceImportance } from '../test/support/fanova-reference.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASELINE_UP_TO = Number(process.env.BENCH_BASELINE_UP_TO ?? 1_000);
const { computeImportance } = fanovaProgram();

/** A study of `n` trials: the objective leans on a few params, through a log axis, a choice and an interaction. */
function study(n: number): ImportanceInput {
  const random = seededRandom(n);
  const params: ImportanceParam[] = [];
  for (let p = 0; p < 12; p++) {
    const kind = p % 3;
    const values = new Float64Array(n);
    const categories = 3 + (p % 4);
    for (let i = 0; i < n; i++)
      values[i] =
        kind === 0 ? 10 ** (-5 + 4 * random()) : kind === 1 ? random() : Math.floor(random() * categories);
    params.push(
      kind === 2
        ? { name: `choice${p}`, kind: 'categorical', values, low: 0, high: categories - 1, categories }
        : {
            name: kind === 0 ? `log${p}` : `linear${p}`,
            kind: 'numeric',
            values,
            low: kind === 0 ? 1e-5 : 0,
            high: kind === 0 ? 0.1 : 1,
            categories: 0,
          },
    );
  }
  const v = params.map((p) => p.values);
  const target = new Float64Array(n);
  for (let i = 0; i < n; i++)
    target[i] =
      30 * v[0][i] +
      2 * v[1][i] +
      [0, 1, 0.3, 0.6, 0.1][v[2][i]] +
      v[4][i] * v[7][i] +
      0.5 * Math.sin(6 * v[10][i]) +
      0.2 * random();
  return { params, target };
}

function best<T>(rounds: number, run: () => T): { ms: number; result: T } {
  let ms = Number.POSITIVE_INFINITY;
  let result!: T;
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    result = run();
    ms = Math.min(ms, performance.now() - started);
  }
  return { ms, result };
}

console.log(
  `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model}), load ${loadavg()[0].toFixed(2)}`,
);
for (const n of [1_000, 10_000]) {
  const input = study(n);
  const ours = best(ROUNDS, () => computeImportance(input, { seed: 0 }));
  const top = ours.result.importances.slice(0, 4).map((i) => `${i.name} ${i.importance.toFixed(3)}`);
  let line = `${n.toLocaleString('en-US')} trials x 12 params: ours ${ours.ms.toFixed(0)} ms (target < 1000 ms: ${ours.ms < 1000 ? 'met' : 'MISSED'})`;
  if (n <= BASELINE_UP_TO) {
    const baseline = best(1, () => referenceImportance(input, { seed: 0 }));
    const diff = Math.max(
      ...ours.result.importances.map((i) =>
        Math.abs(i.importance - baseline.result.find((b) => b.name === i.name)!.importance),
      ),
    );
    line += `, baseline ${baseline.ms.toFixed(0)} ms, ${(baseline.ms / ours.ms).toFixed(1)}x faster, largest difference ${diff.toExponential(1)}`;
  } else line += `, baseline not run (BENCH_BASELINE_UP_TO=${BASELINE_UP_TO})`;
  console.log(`${line}\n  top: ${top.join(', ')}`);
}

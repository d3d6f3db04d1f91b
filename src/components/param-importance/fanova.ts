/**
 * fANOVA: the share of the objective's variance each hyperparameter explains on its own, read from a
 * random forest fitted to the trials (Hutter et al. 2014; Optuna's `FanovaImportanceEvaluator`).
 *
 * Everything lives inside `fanovaProgram`, referring to nothing outside it, so that the importance
 * worker can be started from this function's source text with no bundler set-up in host apps.
 */
import type { ImportanceInput, ImportanceOptions, ImportanceResult } from './importance-types.js';

/** The program the importance worker runs. Self-contained: no reference to anything outside its body. */
export function fanovaProgram(): {
  computeImportance(input: ImportanceInput, options?: ImportanceOptions): ImportanceResult;
} {
  // Placeholder until the forest lands: the variance of each param's binned means.
  function computeImportance(input: ImportanceInput, options: ImportanceOptions = {}): ImportanceResult {
    const started = performance.now();
    const n = input.target.length;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += input.target[i];
    mean /= n || 1;
    const raw = input.params.map((param) => {
      const bins = param.kind === 'categorical' ? Math.max(1, param.categories) : 10;
      const sums = new Float64Array(bins);
      const counts = new Float64Array(bins);
      const span = param.high - param.low || 1;
      for (let i = 0; i < n; i++) {
        const b =
          param.kind === 'categorical'
            ? param.values[i]
            : Math.min(bins - 1, Math.floor(((param.values[i] - param.low) / span) * bins));
        sums[b] += input.target[i];
        counts[b]++;
      }
      let variance = 0;
      for (let b = 0; b < bins; b++) if (counts[b]) variance += counts[b] * (sums[b] / counts[b] - mean) ** 2;
      return variance;
    });
    const total = raw.reduce((a, b) => a + b, 0);
    const importances = input.params
      .map((param, i) => ({ name: param.name, importance: total ? raw[i] / total : 0, spread: 0 }))
      .sort((a, b) => b.importance - a.importance);
    return {
      method: 'fanova',
      importances,
      trials: n,
      trees: options.trees ?? 64,
      ms: performance.now() - started,
    };
  }
  return { computeImportance };
}

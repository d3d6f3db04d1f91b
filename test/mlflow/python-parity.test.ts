// Cross-checks the client's key validation against MLflow's own Python validation, key by key.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { venvPython } from '../../scripts/mlflow-server.mjs';
import { validateKey } from '../../src/mlflow/index.js';

const keys = [
  'loss',
  'train/loss',
  'a.b-c_d e:f',
  'précision',
  '学习率',
  'x'.repeat(250),
  'x'.repeat(251),
  'a..b',
  '.hidden',
  '',
  '/leading',
  'trailing/',
  'a//b',
  'a/./b',
  '..',
  '../up',
  '..up',
  'a/../b',
  '.',
  './a',
  'semi;colon',
  'tab\tkey',
  'emoji🚀',
  'ñ/ü',
  'Ω≈',
  'a-b/c_d.e',
  '٣',
  'x²',
  'under_score',
  'q?',
  'comma,key',
  'dollar$',
];

const script = `
import json, sys
from mlflow.utils.validation import _validate_metric_name, _validate_length_limit, MAX_ENTITY_KEY_LENGTH
out = []
for key in json.load(sys.stdin):
    try:
        _validate_metric_name(key)
        _validate_length_limit("key", MAX_ENTITY_KEY_LENGTH, key)
        out.append(True)
    except Exception:
        out.append(False)
print(json.dumps(out))
`;

describe('key validation parity with MLflow', () => {
  it('accepts and refuses exactly the keys MLflow does', () => {
    const python = spawnSync(venvPython, ['-c', script], { input: JSON.stringify(keys), encoding: 'utf8' });
    expect(python.status, python.stderr).toBe(0);
    const expected = JSON.parse(python.stdout) as boolean[];
    const ours = keys.map((key) => {
      try {
        validateKey(key);
        return true;
      } catch {
        return false;
      }
    });
    expect(Object.fromEntries(keys.map((k, i) => [k, ours[i]]))).toEqual(
      Object.fromEntries(keys.map((k, i) => [k, expected[i]])),
    );
  });
});

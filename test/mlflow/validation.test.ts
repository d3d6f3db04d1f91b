// Unit tests of key validation against MLflow's rules; a Python cross-check lives in python-parity.test.ts.
import { describe, expect, it } from 'vitest';
import { MlflowValidationError, validateKey } from '../../src/mlflow/index.js';

describe('validateKey', () => {
  it.each(['loss', 'train/loss', 'a.b-c_d e:f', 'précision', '学习率', 'x'.repeat(250), 'a..b', '.hidden'])(
    'accepts %j',
    (key) => {
      expect(() => validateKey(key)).not.toThrow();
    },
  );

  it.each([
    ['', 'empty'],
    ['x'.repeat(251), '251 characters'],
    ['/leading', 'path'],
    ['trailing/', 'path'],
    ['a//b', 'path'],
    ['a/./b', 'path'],
    ['..', 'path'],
    ['../up', 'path'],
    ['..up', 'path'],
    ['a/../b', 'path'],
    ['.', 'path'],
    ['semi;colon', 'may only contain'],
    ['new\nline', 'may only contain'],
    ['emoji🚀', 'may only contain'],
  ])('refuses %j (%s)', (key, words) => {
    const error = (() => {
      try {
        validateKey(key, 'metric key');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(MlflowValidationError);
    expect((error as MlflowValidationError).key).toBe(key);
    expect((error as Error).message).toContain(words);
  });
});

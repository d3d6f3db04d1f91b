// Whether an error is worth retrying is decided on the error itself, once.
import { describe, expect, it } from 'vitest';
import { apiError } from '../../src/mlflow/errors.js';
import {
  MlflowApiError,
  MlflowError,
  MlflowNetworkError,
  MlflowNotFoundError,
  MlflowResponseError,
  MlflowTimeoutError,
  MlflowValidationError,
  RunLoggerError,
} from '../../src/mlflow/index.js';
import { testClient } from './helpers.js';

const request = { method: 'GET', path: '/api/2.0/mlflow/runs/get' };

describe('retryable', () => {
  it('is true for 408, 429 and 5xx answers, false for other 4xx', () => {
    const retryable = (status: number) => apiError(request, status, `HTTP_${status}`, 'x').retryable;
    expect([408, 429, 500, 502, 503, 504, 501].map(retryable)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([400, 401, 403, 404, 409].map(retryable)).toEqual([false, false, false, false, false]);
  });

  it('is true for network failures, timeouts and garbled responses', () => {
    expect(new MlflowNetworkError(request, new Error('reset')).retryable).toBe(true);
    expect(new MlflowTimeoutError(request, 1000).retryable).toBe(true);
    expect(new MlflowResponseError(request, 'run', 'missing').retryable).toBe(true);
  });

  it('is false for input refused before sending', () => {
    expect(new MlflowValidationError('key', 'bad').retryable).toBe(false);
    expect(new MlflowError('other').retryable).toBe(false);
  });

  it("follows the cause of a RunLogger's failed batch", () => {
    const transient = new MlflowApiError(request, 503, 'TEMPORARILY_UNAVAILABLE', 'busy');
    const refused = new MlflowApiError(request, 400, 'INVALID_PARAMETER_VALUE', 'no');
    expect(new RunLoggerError('r', transient, 1).retryable).toBe(true);
    expect(new RunLoggerError('r', refused, 1).retryable).toBe(false);
  });

  it('is false on the not-found error the real server gives for a missing run', async () => {
    const error = await testClient()
      .getRun('0'.repeat(32))
      .catch((e) => e);
    expect(error).toBeInstanceOf(MlflowNotFoundError);
    expect(error.retryable).toBe(false);
  });
});

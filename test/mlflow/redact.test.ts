import { describe, expect, it } from 'vitest';
import { redactSecrets, splitCredentials } from '../../src/mlflow/index.js';

describe('redactSecrets', () => {
  it('hides user info in every URL of a message', () => {
    expect(redactSecrets('cannot reach http://u:p@h:5000/api and https://tok@x.test')).toBe(
      'cannot reach http://***@h:5000/api and https://***@x.test',
    );
  });

  it('hides token-like query parameters and keeps the others', () => {
    expect(redactSecrets('GET http://h/x?run_id=1&token=abc&api_key=k&X-Amz-Signature=s')).toBe(
      'GET http://h/x?run_id=1&token=***&api_key=***&X-Amz-Signature=***',
    );
  });

  it('leaves text without URLs alone', () => {
    expect(redactSecrets('token=abc is not a URL')).toBe('token=abc is not a URL');
  });
});

describe('splitCredentials', () => {
  it('splits and decodes user info, keeping the rest of the URL', () => {
    expect(splitCredentials('http://a%20b:p%3Aw@h:1/base')).toEqual({
      url: 'http://h:1/base',
      username: 'a b',
      password: 'p:w',
    });
    expect(splitCredentials('http://h:1')).toEqual({ url: 'http://h:1' });
  });
});

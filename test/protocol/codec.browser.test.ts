import { expect } from '@open-wc/testing';
import { parseEvent } from '../../src/protocol/index.js';

it('parses events in the browser', () => {
  const result = parseEvent('{"v":1,"seq":0,"type":"trial.remove","trialId":"t1"}');
  expect(result.ok).to.equal(true);
});

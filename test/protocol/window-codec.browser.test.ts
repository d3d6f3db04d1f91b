import { expect } from '@open-wc/testing';
import { decodeSeriesWindow, encodeSeriesWindow, type SeriesWindow } from '../../src/protocol/index.js';

it('round-trips a series window in the browser, non-finite values included', () => {
  const window: SeriesWindow = {
    key: 'loss',
    x: 'step',
    from: 0,
    to: 2,
    columns: 2,
    series: [
      {
        trialId: 't1',
        exact: true,
        raw: true,
        steps: [0, 1, 2],
        values: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
        timestamps: [1, 2, 3],
      },
    ],
  };
  const decoded = decodeSeriesWindow(encodeSeriesWindow(window).slice().buffer);
  expect(decoded.series[0].values.map(String)).to.deep.equal(['NaN', 'Infinity', '-Infinity']);
  expect(decoded).to.deep.equal(window);
});

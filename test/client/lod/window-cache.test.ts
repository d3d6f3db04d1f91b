import { describe, expect, it } from 'vitest';
import { WindowCache, windowBytes } from '../../../src/client/lod/window-cache.js';
import type { SeriesWindow } from '../../../src/protocol/index.js';

/** A window of one trial with `n` points. */
function window(n: number, trialId = 't'): SeriesWindow {
  const xs = Array.from({ length: n }, (_, i) => i);
  return {
    key: 'loss',
    x: 'step',
    from: 0,
    to: n,
    columns: n,
    series: [{ trialId, exact: true, raw: true, steps: xs, values: xs, timestamps: xs }],
  };
}

describe('WindowCache', () => {
  const size = windowBytes(window(100));

  it('drops the least recently used windows no chart shows once over budget', () => {
    const cache = new WindowCache(size * 2.5);
    cache.put('a', window(100));
    cache.put('b', window(100));
    cache.hide('a');
    cache.hide('b');
    cache.get('a'); // a is now the more recently used
    cache.put('c', window(100));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.bytes).toBe(size * 2);
  });

  it('never drops a window being shown, even over budget', () => {
    const cache = new WindowCache(size);
    cache.put('a', window(100));
    cache.put('b', window(100));
    expect(cache.size).toBe(2);
    cache.hide('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();
  });

  it('counts each chart showing a window', () => {
    const cache = new WindowCache(0);
    cache.put('a', window(10));
    expect(cache.show('a')).toBe(true);
    cache.hide('a');
    expect(cache.size).toBe(1);
    cache.hide('a');
    expect(cache.size).toBe(0);
    expect(cache.show('a')).toBe(false);
  });
});

// The page type against the real server: awaited it is one page, iterated it is every item.
import { beforeAll, describe, expect, it } from 'vitest';
import { PagePromise } from '../../src/mlflow/index.js';
import { testClient, uniqueName } from './helpers.js';

const client = testClient();
let experimentId: string;
let runNames: string[];

beforeAll(async () => {
  experimentId = await client.createExperiment(uniqueName('pages'));
  runNames = ['r0', 'r1', 'r2', 'r3', 'r4'];
  for (const [i, runName] of runNames.entries())
    await client.createRun({ experimentId, runName, startTime: 1_700_000_000_000 + i });
});

const search = (pageToken?: string) =>
  client.searchRuns({ experimentIds: [experimentId], orderBy: ['start_time ASC'], maxResults: 2, pageToken });

describe('PagePromise', () => {
  it('is one page when awaited, with the token of the next', async () => {
    const page = await search();
    expect(page.runs.map((r) => r.info.runName)).toEqual(['r0', 'r1']);
    expect(page.nextPageToken).toEqual(expect.any(String));
  });

  it('is every item across pages when iterated with for await', async () => {
    const names: string[] = [];
    for await (const run of search()) names.push(run.info.runName ?? '');
    expect(names).toEqual(runNames);
  });

  it('iterates from the page its token names', async () => {
    const { nextPageToken } = await search();
    const names: string[] = [];
    for await (const run of search(nextPageToken)) names.push(run.info.runName ?? '');
    expect(names).toEqual(['r2', 'r3', 'r4']);
  });

  it('is what iterateRuns returns, and the last page has no token', async () => {
    const pages = client.iterateRuns({ experimentIds: [experimentId], maxResults: 5 });
    expect(pages).toBeInstanceOf(PagePromise);
    const page = await (pages as PagePromise<{ runs: unknown[]; nextPageToken?: string }, unknown>);
    expect(page.runs).toHaveLength(5);
    expect(page.nextPageToken).toBeUndefined();
  });

  it('sends nothing until awaited or iterated, then fetches the first page once', async () => {
    let calls = 0;
    const pages = new PagePromise(
      async (token?: string) => {
        calls++;
        return token ? { items: [3], nextPageToken: undefined } : { items: [1, 2], nextPageToken: 'next' };
      },
      (page) => page.items,
    );
    expect(calls).toBe(0);
    expect((await pages).items).toEqual([1, 2]);
    const all: number[] = [];
    for await (const item of pages) all.push(item);
    expect(all).toEqual([1, 2, 3]);
    expect(calls).toBe(2);
  });

  it('rejects with the failure of the first page, awaited or iterated', async () => {
    const missing = client.searchRuns({ experimentIds: ['999999999'], filter: 'not a filter' });
    await expect(missing).rejects.toThrow();
    await expect(
      (async () => {
        for await (const _ of missing) {
          /* never */
        }
      })(),
    ).rejects.toThrow();
  });
});

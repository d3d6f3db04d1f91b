/** Bounded concurrency: the one helper for "this many requests in flight at once". */

/**
 * Runs `task` over `items`, at most `concurrency` at a time, and resolves with the results in the
 * order of `items`. After the first failure no new item starts, and the promise rejects with it.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    try {
      while (!failed && next < items.length) {
        const index = next++;
        results[index] = await task(items[index], index);
      }
    } catch (error) {
      failed = true; // the other workers stop taking new items
      throw error;
    }
  };
  const workers = Math.min(Math.max(1, concurrency), items.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}

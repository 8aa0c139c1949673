/**
 * Runs `task` over `items` with at most `limit` in flight. dht-rpc throttles a node to about 80
 * requests per 750 ms (its congestion window), and each query sends ~20-30 requests, so firing
 * a hundred queries at once stalls them for seconds; a few at a time finishes sooner.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

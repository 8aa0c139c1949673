/** Small timing helpers shared by the benchmarks. */

export interface Rate {
  operations: number;
  seconds: number;
  perSecond: number;
}

/** Runs `step` repeatedly for about `seconds` (after a warm-up) and reports its rate. */
export function measureSync(seconds: number, step: () => void): Rate {
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) step();
  let operations = 0;
  const start = performance.now();
  const stopAt = start + seconds * 1000;
  while (performance.now() < stopAt) {
    for (let i = 0; i < 100; i++) step();
    operations += 100;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { operations, seconds: elapsed, perSecond: operations / elapsed };
}

/** Keeps `inFlight` calls of `call` outstanding for about `seconds` and reports completions per second. */
export async function measureConcurrent(seconds: number, inFlight: number, call: () => Promise<unknown>): Promise<Rate> {
  let operations = 0;
  const start = performance.now();
  const stopAt = start + seconds * 1000;
  const lane = async () => {
    while (performance.now() < stopAt) {
      await call();
      operations++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const elapsed = (performance.now() - start) / 1000;
  return { operations, seconds: elapsed, perSecond: operations / elapsed };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.floor(fraction * sorted.length));
  return sorted[index] ?? Number.NaN;
}

export interface BenchRow {
  name: string;
  unit: string;
  rowboot: number;
  baseline: number;
  baselineName: string;
  goal?: string;
}

export function formatRows(rows: readonly BenchRow[]): string {
  const lines = rows.map((row) => {
    const ratio = row.rowboot / row.baseline;
    const goal = row.goal ? `  (goal ${row.goal})` : '';
    return `${row.name.padEnd(40)} ${row.rowboot.toFixed(1).padStart(12)} ${row.unit.padEnd(7)} vs ${row.baselineName} ${row.baseline.toFixed(1).padStart(12)}  ratio ${ratio.toFixed(2)}x${goal}`;
  });
  return lines.join('\n');
}

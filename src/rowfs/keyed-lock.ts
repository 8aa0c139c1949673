/**
 * Per-key mutual exclusion for async work (a file's block fills, a directory's name
 * changes). Waiters run in arrival order; keys with nobody waiting cost nothing.
 */
export class KeyedLock {
  private readonly tails = new Map<number, Promise<void>>();

  async run<T>(key: number, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous === undefined ? mine : previous.then(() => mine);
    this.tails.set(key, tail);
    try {
      if (previous !== undefined) await previous;
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Holds every key (taken in ascending order, so two callers never wait on each other crosswise). */
  async runAll<T>(keys: readonly number[], work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort((a, b) => a - b);
    const step = (index: number): Promise<T> => {
      const key = sorted[index];
      return key === undefined ? work() : this.run(key, () => step(index + 1));
    };
    return step(0);
  }
}

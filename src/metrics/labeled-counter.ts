import type { MetricFamily } from './types.js';

/**
 * A counter with a fixed list of label names, kept as a map from the joined label values.
 * Cheap on the hot path: one string join and one map update per increment.
 */
export class LabeledCounter<Label extends string> {
  private readonly values = new Map<string, { labels: Record<Label, string>; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly Label[],
  ) {}

  add(labels: Record<Label, string>, amount = 1): void {
    const key = this.labelNames.map((label) => labels[label]).join('\u0000');
    const entry = this.values.get(key);
    if (entry) entry.value += amount;
    else this.values.set(key, { labels: { ...labels }, value: amount });
  }

  get(labels: Record<Label, string>): number {
    return this.values.get(this.labelNames.map((label) => labels[label]).join('\u0000'))?.value ?? 0;
  }

  family(): MetricFamily {
    return {
      name: this.name,
      help: this.help,
      type: 'counter',
      samples: [...this.values.values()].map(({ labels, value }) => ({ labels, value })),
    };
  }
}

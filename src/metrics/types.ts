/** One metric and its samples, in the shape both the JSON and the Prometheus views render. */
export interface MetricFamily {
  /** Prometheus-style name: [a-zA-Z_:][a-zA-Z0-9_:]*, e.g. rowboot_rpc_calls_total. */
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: MetricSample[];
}

export interface MetricSample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** Something that can report its metrics right now (a proxy, an nfsd, the process). */
export type MetricsSource = () => MetricFamily[];

/**
 * Progress for long transfers (`row publish` of a large image): one line on stderr at most
 * every `intervalMs`, only once the work is big enough to be worth watching.
 */
const MIB = 1024 * 1024;
export const PROGRESS_MIN_BYTES = 64 * MIB;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MIB) return `${(bytes / (1024 * MIB)).toFixed(1)} GiB`;
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

export class Progress {
  private readonly startedAt = performance.now();
  private lastAt = this.startedAt;
  private shown = false;

  constructor(
    private readonly write: (line: string) => void,
    private readonly label: string,
    private readonly intervalMs = 1000,
  ) {}

  update(done: number, total: number): void {
    if (total < PROGRESS_MIN_BYTES) return;
    const now = performance.now();
    if (done < total && now - this.lastAt < this.intervalMs) return;
    this.lastAt = now;
    this.shown = true;
    const seconds = Math.max((now - this.startedAt) / 1000, 1e-3);
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    this.write(`${this.label}: ${formatBytes(done)} of ${formatBytes(total)} (${percent}%), ${(done / MIB / seconds).toFixed(0)} MiB/s`);
  }

  get wasShown(): boolean {
    return this.shown;
  }
}

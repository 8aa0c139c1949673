/**
 * The demo's closing summary: boot time, what the VM read from the image server against the
 * image's size, what it wrote to the shadow, and the NFS calls by procedure (from the
 * gateway's metrics endpoint). One labelled line each, so scripts and tests can read them.
 */
import type { GatewayFigures } from '../../lab/index.js';

export interface BootTimes {
  /** Power-on -> first initramfs line, ms; undefined if never reached. */
  initramfsMs: number | undefined;
  /** Power-on -> ROWBOOT-APPLIANCE-UP, ms. */
  upMs: number | undefined;
  /** Reboot -> ROWBOOT-APPLIANCE-UP of the second boot (--reboot). */
  secondUpMs?: number | undefined;
  /** What the second boot read back (--reboot). */
  readBack?: string | undefined;
}

export interface SummaryInput {
  times: BootTimes;
  imageBytes: number;
  imageFiles: number;
  /** Whole run; undefined when the gateway could not be asked. */
  figures: GatewayFigures | undefined;
  /** The second boot alone (--reboot). */
  secondBoot?: GatewayFigures | undefined;
}

const LABEL_WIDTH = 14;
const KB = 1e3;
const MB = 1e6;
const PERCENT = 100;

export function formatBytes(bytes: number): string {
  if (bytes < 10 * KB) return `${bytes} B`;
  if (bytes < MB) return `${(bytes / KB).toFixed(1)} kB`;
  return `${(bytes / MB).toFixed(2)} MB`;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'not reached' : `${(ms / 1000).toFixed(1)} s`;
}

function row(label: string, text: string): string {
  return `  ${label.padEnd(LABEL_WIDTH)} ${text}`;
}

export function formatSummary(input: SummaryInput): string[] {
  const { times, figures } = input;
  const lines = ['summary'];
  const initramfs = times.initramfsMs === undefined ? '' : ` (initramfs at ${seconds(times.initramfsMs)})`;
  lines.push(row('boot time', `${seconds(times.upMs)} power-on -> ROWBOOT-APPLIANCE-UP${initramfs}, QEMU TCG`));
  if (times.secondUpMs !== undefined || times.readBack !== undefined) {
    lines.push(row('second boot', `${seconds(times.secondUpMs)} reboot -> ROWBOOT-APPLIANCE-UP; read back: ${times.readBack ?? 'nothing'}`));
  }
  if (figures === undefined) {
    lines.push(row('metrics', 'unavailable (the gateway did not answer /metrics.json)'));
    return lines;
  }
  const share = input.imageBytes > 0 ? ` (${((figures.main.bytes / input.imageBytes) * PERCENT).toFixed(0)}%)` : '';
  lines.push(row('image server', `read ${formatBytes(figures.main.bytes)} of the ${formatBytes(input.imageBytes)} image${share} in ${figures.main.calls} RPCs (${input.imageFiles} files in the image)`));
  if (figures.readAhead.hits > 0 || figures.readAhead.wastedBytes > 0) {
    lines.push(row('', `read-ahead answered ${figures.readAhead.hits} of the VM's READs; at least ${formatBytes(figures.readAhead.wastedBytes)} fetched ahead went unused`));
  }
  if (input.secondBoot !== undefined) {
    lines.push(row('', `of which the second boot read ${formatBytes(input.secondBoot.main.bytes)} in ${input.secondBoot.main.calls} RPCs`));
  }
  lines.push(row('shadow', `wrote ${formatBytes(figures.shadow.writtenBytes)} (WRITE payload); ${figures.shadow.calls} RPCs to the shadow in all`));
  lines.push(
    row('NFS calls', `${figures.totalClientCalls} from the VM: ${figures.main.calls} RPCs to the image server, ${figures.shadow.calls} to the shadow, ${figures.localCalls} answered by the gateway itself`),
  );
  const byProcedure = Object.entries(figures.clientCalls)
    .sort(([, a], [, b]) => b - a)
    .map(([procedure, calls]) => `${procedure} ${calls}`)
    .join(', ');
  lines.push(row('by procedure', byProcedure === '' ? 'none' : byProcedure));
  return lines;
}

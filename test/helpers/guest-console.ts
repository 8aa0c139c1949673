/**
 * Parses the guest's serial console. The guest (images/guest/init, rb.sh) prints:
 *   RB-RESULT <name> <ok|fail> [detail]
 *   RB-STAGE <name> [detail]
 *   RB-DONE
 * Kernel messages can share the console, so a marker is found anywhere in a line.
 */

export interface GuestResult {
  ok: boolean;
  detail: string;
}

export interface GuestResultLine extends GuestResult {
  name: string;
  /** Milliseconds since QEMU was started when the line arrived. */
  atMs: number;
}

const resultPattern = /RB-RESULT (\S+) (ok|fail)(?: (.*))?$/;
const stagePattern = /RB-STAGE (\S+)/;
const donePattern = /RB-DONE\b/;

export class GuestConsole {
  readonly lines: string[] = [];
  readonly results: GuestResultLine[] = [];
  /** First arrival (ms since start) of each RB-STAGE name and of each RB-RESULT name. */
  readonly marks = new Map<string, number>();
  doneAtMs: number | undefined;
  private partial = '';
  private text = '';

  constructor(private readonly onLine?: (line: string) => void) {}

  push(chunk: Buffer, atMs: number): void {
    const data = chunk.toString('utf8');
    this.text += data;
    const pieces = (this.partial + data).split('\n');
    this.partial = pieces.pop() ?? '';
    for (const piece of pieces) this.line(piece.replace(/\r$/, ''), atMs);
  }

  /** Flushes a last line without a newline. */
  end(atMs: number): void {
    if (this.partial !== '') this.line(this.partial.replace(/\r$/, ''), atMs);
    this.partial = '';
  }

  get output(): string {
    return this.text;
  }

  resultMap(): Map<string, GuestResult> {
    const map = new Map<string, GuestResult>();
    for (const { name, ok, detail } of this.results) map.set(name, { ok, detail });
    return map;
  }

  private line(line: string, atMs: number): void {
    this.lines.push(line);
    this.onLine?.(line);
    const result = resultPattern.exec(line);
    if (result) {
      const [, name = '', status, detail = ''] = result;
      this.results.push({ name, ok: status === 'ok', detail: detail.trim(), atMs });
      if (!this.marks.has(`result:${name}`)) this.marks.set(`result:${name}`, atMs);
      return;
    }
    const stage = stagePattern.exec(line);
    if (stage?.[1] !== undefined && !this.marks.has(`stage:${stage[1]}`)) this.marks.set(`stage:${stage[1]}`, atMs);
    if (donePattern.test(line) && this.doneAtMs === undefined) this.doneAtMs = atMs;
  }
}

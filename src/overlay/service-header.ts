/**
 * The first line a client writes on an overlay stream names the service it wants from the
 * image server (e.g. "nfs", "mount"), so one server key fronts several TCP ports:
 *   "ROWBOOT-OVERLAY/1 <service>\n"
 * Text, so no byte order here; the bytes after the newline belong to the service.
 */
const PREFIX = 'ROWBOOT-OVERLAY/1 ';
export const MAX_HEADER_BYTES = 80;
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,31}$/;

export function isServiceName(name: string): boolean {
  return SERVICE_NAME.test(name);
}

export function encodeServiceHeader(service: string): Buffer {
  return Buffer.from(`${PREFIX}${service}\n`, 'ascii');
}

export type HeaderParse =
  | { state: 'partial' }
  | { state: 'invalid'; reason: string }
  | { state: 'done'; service: string; rest: Buffer };

/** Parses what has arrived so far. */
export function parseServiceHeader(received: Buffer): HeaderParse {
  const newline = received.indexOf(0x0a);
  if (newline < 0) {
    return received.length >= MAX_HEADER_BYTES ? { state: 'invalid', reason: 'header too long' } : { state: 'partial' };
  }
  const line = received.subarray(0, newline).toString('ascii');
  if (!line.startsWith(PREFIX)) return { state: 'invalid', reason: 'not a rowboot overlay stream' };
  const service = line.slice(PREFIX.length);
  if (!isServiceName(service)) return { state: 'invalid', reason: `bad service name '${service}'` };
  return { state: 'done', service, rest: received.subarray(newline + 1) };
}

import { TransferError } from '../errors.js';

/**
 * The two store services `row serve` answers on its overlay key besides NFS (issue 5). Every
 * control message is one JSON object on one line (text: no byte order to agree on); bulk data
 * goes raw between control lines, its length known from the manifest.
 *
 * publish (the stream's key must be an allowed publisher and the manifest's publisher):
 *   client: {"op":"publish","manifestBytes":N}\n  then N bytes of manifest
 *   server: {"status":"send"} | {"status":"have",...} | {"status":"refused","reason":...}
 *   client: for each file in manifest order, each block not in its zero map, in order
 *   server: {"status":"stored","manifestHash":...,"mountPath":...} | {"status":"refused",...}
 *
 * delete (a request signed by A's publisher, see delete-request.ts):
 *   client: {"request":"<json>","signature":"<hex>"}\n
 *   server: {"results":[{"version":N,"status":"deleted"|"absent"|"refused","reason":...}]}\n
 */
export const PUBLISH_SERVICE = 'publish';
export const DELETE_SERVICE = 'delete';
/** Longest control line either side accepts. */
export const MAX_CONTROL_LINE_BYTES = 64 * 1024;

export interface PublishRequest {
  op: 'publish';
  manifestBytes: number;
}

export type PublishReply =
  | { status: 'send' }
  | { status: 'have' | 'stored'; manifestHash: string; mountPath: string }
  | { status: 'refused'; reason: string };

export interface DeleteResult {
  version: number;
  status: 'deleted' | 'absent' | 'refused';
  reason?: string;
}

export interface DeleteReply {
  results: DeleteResult[];
}

export function encodeLine(message: object): string {
  return `${JSON.stringify(message)}\n`;
}

/** Parses one control line into an object; what it must contain is checked by the caller. */
export function parseLine(line: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    throw new TransferError(`${what} is not JSON`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TransferError(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

export function parsePublishReply(line: string): PublishReply {
  const reply = parseLine(line, 'publish reply');
  switch (reply.status) {
    case 'send':
      return { status: 'send' };
    case 'have':
    case 'stored':
      if (typeof reply.manifestHash !== 'string' || typeof reply.mountPath !== 'string') throw new TransferError('publish reply lacks manifestHash or mountPath');
      return { status: reply.status, manifestHash: reply.manifestHash, mountPath: reply.mountPath };
    case 'refused':
      return { status: 'refused', reason: typeof reply.reason === 'string' ? reply.reason : 'no reason given' };
    default:
      throw new TransferError(`unknown publish reply status ${JSON.stringify(reply.status)}`);
  }
}

export function parseDeleteReply(line: string): DeleteReply {
  const reply = parseLine(line, 'delete reply');
  if (!Array.isArray(reply.results)) throw new TransferError('delete reply lacks results');
  const results = reply.results.map((raw: unknown): DeleteResult => {
    const result = raw as Record<string, unknown>;
    const status = result.status;
    if (typeof result.version !== 'number' || (status !== 'deleted' && status !== 'absent' && status !== 'refused')) {
      throw new TransferError('malformed delete result');
    }
    return { version: result.version, status, ...(typeof result.reason === 'string' ? { reason: result.reason } : {}) };
  });
  return { results };
}

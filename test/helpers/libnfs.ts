/**
 * Wrappers for the libnfs-utils 4.0 command-line clients (nfs-ls, nfs-cat, nfs-cp): real,
 * independent NFSv3 clients for interop tests. libnfs takes everything from the URL:
 * nfs://HOST/EXPORT[/FILE]?version=3&nfsport=P&mountport=M (fixed ports skip the portmapper;
 * ganesha serves MOUNT on its own port, so both are needed).
 *
 * Measured against nfs-ganesha 4.3: nfs-cp refuses to overwrite (exclusive CREATE ->
 * NFS3ERR_EXIST) and creates files with mode 0660; nfs-ls of a file URL fails (it tries to
 * mount the file's path); failures exit non-zero with the NFS error on stderr.
 */
import type { CommandResult } from './command.js';
import { CommandError, run } from './command.js';
import type { Netns } from './netns.js';
import { netnsName } from './netns.js';

export interface NfsUrlParts {
  host: string;
  /** The export's MOUNT path, e.g. a ganesha instance's exportPath. */
  path: string;
  /** Path inside the export (no leading slash needed). */
  file?: string;
  nfsPort?: number;
  mountPort?: number;
  /** NFS version; libnfs 4.0 also speaks 4, the harness uses 3. Default 3. */
  version?: 3 | 4;
  /** More libnfs URL arguments, e.g. { debug: '2' }. */
  query?: Readonly<Record<string, string>>;
}

export interface LibnfsOptions {
  /** Run the client inside this namespace instead of the test process's own. */
  netns?: Netns | string;
  /** Default 60 s. */
  timeoutMs?: number;
}

export type NfsLsEntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface NfsLsEntry {
  /** ls-style mode string, e.g. `-rw-r--r--`. */
  mode: string;
  type: NfsLsEntryType;
  nlink: number;
  uid: number;
  gid: number;
  size: number;
  /** Name, or path relative to the listed directory with `recursive`. */
  name: string;
}

export interface NfsLsResult {
  entries: NfsLsEntry[];
  /** Raw output, including the summary line if asked for. */
  text: string;
}

/** An nfs-* tool failed; the message carries its stderr (the NFS or MOUNT error). */
export class LibnfsError extends Error {
  override readonly name = 'LibnfsError';
  constructor(
    message: string,
    readonly tool: string,
    readonly urls: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const urlUnsafe = /[?#&\s%]/;

/** Builds a libnfs URL. Paths must not contain characters libnfs cannot take literally. */
export function nfsUrl(parts: NfsUrlParts): string {
  const segments = [parts.path, parts.file ?? ''].join('/').split('/').filter((s) => s !== '');
  for (const segment of segments) {
    if (urlUnsafe.test(segment)) throw new LibnfsError(`libnfs URLs cannot carry ${JSON.stringify(segment)}`, 'nfsUrl', [], null, '');
  }
  const query = new URLSearchParams();
  query.set('version', String(parts.version ?? 3));
  if (parts.nfsPort !== undefined) query.set('nfsport', String(parts.nfsPort));
  if (parts.mountPort !== undefined) query.set('mountport', String(parts.mountPort));
  for (const [key, value] of Object.entries(parts.query ?? {})) query.set(key, value);
  return `nfs://${parts.host}/${segments.join('/')}?${query.toString()}`;
}

/** The URL of `file` (or the export's root) on a server such as a GaneshaInstance. */
export function nfsUrlFor(server: { host: string; exportPath: string; nfsPort: number; mountPort: number }, file?: string): string {
  return nfsUrl({ host: server.host, path: server.exportPath, nfsPort: server.nfsPort, mountPort: server.mountPort, file });
}

async function runTool(tool: string, args: readonly string[], urls: readonly string[], options: LibnfsOptions): Promise<CommandResult> {
  const command = options.netns === undefined ? tool : 'ip';
  const fullArgs = options.netns === undefined ? args : ['netns', 'exec', netnsName(options.netns), tool, ...args];
  try {
    return await run(command, fullArgs, { timeoutMs: options.timeoutMs ?? 60_000 });
  } catch (cause) {
    if (!(cause instanceof CommandError)) throw cause;
    const stderr = cause.stderr.trim();
    const why = cause.timedOut ? 'timed out' : `exit ${cause.exitCode ?? cause.signal}`;
    throw new LibnfsError(`${tool} ${args.join(' ')}: ${why}: ${stderr || cause.stdout.trim()}`, tool, urls, cause.exitCode, cause.stderr, {
      cause,
    });
  }
}

function typeOf(mode: string): NfsLsEntryType {
  switch (mode[0]) {
    case '-':
      return 'file';
    case 'd':
      return 'directory';
    case 'l':
      return 'symlink';
    default:
      return 'other';
  }
}

// nfs-ls prints "<mode> <nlink> <uid> <gid> <size> <name>" with space padding.
const lsLine = /^([-dlcbps?][-rwxsStT]{9})\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s(.+)$/;

/** nfs-ls URL: lists a directory (recursively with `recursive`). */
export async function nfsLs(url: string, options: LibnfsOptions & { recursive?: boolean; summary?: boolean } = {}): Promise<NfsLsResult> {
  const args = [...(options.recursive ? ['-R'] : []), ...(options.summary ? ['-s'] : []), url];
  const { text } = await runTool('nfs-ls', args, [url], options);
  const entries: NfsLsEntry[] = [];
  for (const line of text.split('\n')) {
    const match = lsLine.exec(line);
    if (!match) continue;
    const [, mode = '', nlink = '0', uid = '0', gid = '0', size = '0', name = ''] = match;
    entries.push({ mode, type: typeOf(mode), nlink: Number(nlink), uid: Number(uid), gid: Number(gid), size: Number(size), name });
  }
  return { entries, text };
}

/** nfs-cat URL: the file's bytes. */
export async function nfsCat(url: string, options: LibnfsOptions = {}): Promise<Buffer> {
  const { stdout } = await runTool('nfs-cat', [url], [url], options);
  return stdout;
}

/**
 * nfs-cp SRC DST: either side may be a local path or an nfs:// URL. The destination must not
 * exist yet (libnfs creates it exclusively).
 */
export async function nfsCp(src: string, dst: string, options: LibnfsOptions = {}): Promise<void> {
  await runTool('nfs-cp', [src, dst], [src, dst].filter((s) => s.startsWith('nfs://')), options);
}

/**
 * The POSIX workload (posix-workload.sh) for the test guest, and the host-side check that
 * its effects reached the server: every fact the guest recorded in posix/expect.txt is
 * verified against the server's export directory.
 */
import { lstat, readFile, readlink, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';

/** Step names in the order the script reports them, as `posix.<step>` RB-RESULT names. */
export const posixSteps = [
  'setup',
  'create',
  'write-read',
  'overwrite',
  'append',
  'rename',
  'remove',
  'mkdir-rmdir',
  'symlink',
  'hardlink',
  'chmod',
  'utimes',
  'truncate',
  'sparse',
  'bigdir',
  'expect',
] as const;

/** Result names the guest prints for a full run: init's own steps plus every posix step. */
export const posixResultNames: readonly string[] = [
  'modules',
  'network',
  'mount',
  ...posixSteps.map((step) => `posix.${step}`),
  'workload',
  'umount',
];

/** The script text, to pass as runGuest({ workload }). */
export function posixWorkload(): Promise<string> {
  return readFile(join(repoRoot, 'test', 'helpers', 'posix-workload.sh'), 'utf8');
}

export interface PosixVerification {
  /** Facts checked. */
  checked: number;
  /** One message per fact that does not hold on the server. */
  failures: string[];
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function checkFact(exportDir: string, words: string[]): Promise<string | undefined> {
  const [kind, relative = '', a = '', b = ''] = words;
  const path = join(exportDir, relative);
  switch (kind) {
    case 'sha256': {
      const got = await sha256(path);
      return got === a ? undefined : `sha256 ${relative}: ${got} != ${a}`;
    }
    case 'size': {
      const got = (await stat(path)).size;
      return got === Number(a) ? undefined : `size ${relative}: ${got} != ${a}`;
    }
    case 'mode': {
      const got = ((await stat(path)).mode & 0o7777).toString(8);
      return got === a ? undefined : `mode ${relative}: ${got} != ${a}`;
    }
    case 'nlink': {
      const got = (await stat(path)).nlink;
      return got === Number(a) ? undefined : `nlink ${relative}: ${got} != ${a}`;
    }
    case 'symlink': {
      const got = await readlink(path);
      return got === a ? undefined : `symlink ${relative}: ${got} != ${a}`;
    }
    case 'absent':
      return (await exists(path)) ? `absent ${relative}: it exists` : undefined;
    case 'dir':
      return (await stat(path)).isDirectory() ? undefined : `dir ${relative}: not a directory`;
    case 'zeros': {
      const data = (await readFile(path)).subarray(Number(a), Number(a) + Number(b));
      if (data.length !== Number(b)) return `zeros ${relative}: only ${data.length} bytes at ${a}`;
      return data.every((byte) => byte === 0) ? undefined : `zeros ${relative}: non-zero bytes in [${a}, +${b})`;
    }
    case 'mtime': {
      const got = Math.floor((await stat(path)).mtimeMs / 1000);
      return got === Number(a) ? undefined : `mtime ${relative}: ${got} != ${a}`;
    }
    default:
      return `unknown fact ${words.join(' ')}`;
  }
}

/** Checks posix/expect.txt's facts against the export directory the server wrote to. */
export async function verifyPosixWorkload(exportDir: string): Promise<PosixVerification> {
  const failures: string[] = [];
  let text: string;
  try {
    text = await readFile(join(exportDir, 'posix', 'expect.txt'), 'utf8');
  } catch (cause) {
    return { checked: 0, failures: [`no posix/expect.txt on the server: ${(cause as Error).message}`] };
  }
  const facts = text.split('\n').filter((line) => line.trim() !== '');
  for (const fact of facts) {
    try {
      const failure = await checkFact(exportDir, fact.trim().split(/\s+/));
      if (failure) failures.push(failure);
    } catch (error) {
      failures.push(`${fact}: ${(error as Error).message}`);
    }
  }
  return { checked: facts.length, failures };
}

import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NfsdStateError } from './errors.js';

/** The secret that authenticates file handles; 256 bits for HMAC-SHA256. */
export const HANDLE_KEY_BYTES = 32;
const KEY_FILE = 'nfsd-handle-key';

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/**
 * Loads the handle key from `stateDir`, creating it (mode 0600) on first start. The key
 * must survive restarts: NFSv3 clients keep handles across server reboots (RFC 1813
 * section 4.1, "file handles are persistent"), so a new key would make every one stale.
 */
export async function loadHandleKey(stateDir: string): Promise<Buffer> {
  const path = join(stateDir, KEY_FILE);
  try {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const key = randomBytes(HANDLE_KEY_BYTES);
    try {
      // 'wx' fails if another process created the key first; then we read theirs.
      await writeFile(path, key, { flag: 'wx', mode: 0o600 });
      return key;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
    }
    const existing = await readFile(path);
    if (existing.length !== HANDLE_KEY_BYTES) {
      throw new NfsdStateError(`${path} holds ${existing.length} bytes, expected ${HANDLE_KEY_BYTES}; remove it to make a new key (clients will see stale handles)`);
    }
    await chmod(path, 0o600);
    return existing;
  } catch (error) {
    if (error instanceof NfsdStateError) throw error;
    throw new NfsdStateError(`cannot load the file handle key in ${stateDir}`, { cause: error });
  }
}

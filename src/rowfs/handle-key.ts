import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RowfsStateError } from './errors.js';

const KEY_FILE = 'rowfs-handle-key';
const KEY_BYTES = 32;

/**
 * The secret that authenticates virtual handles, created once (mode 0600) in the state
 * directory: a handle stays valid across restarts only if the key does, and nobody
 * without it can mint a handle for another session or object.
 */
export function loadHandleKey(stateDir: string): Buffer {
  const path = join(stateDir, KEY_FILE);
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    let key: Buffer;
    try {
      key = readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      key = randomBytes(KEY_BYTES);
      // 'wx': two proxies starting on one state directory must not each write their own key.
      writeFileSync(path, key, { mode: 0o600, flag: 'wx' });
    }
    if (key.length !== KEY_BYTES) throw new RowfsStateError(`${path} holds ${key.length} bytes, expected ${KEY_BYTES}`);
    chmodSync(path, 0o600);
    return key;
  } catch (error) {
    if (error instanceof RowfsStateError) throw error;
    throw new RowfsStateError(`cannot read or create the handle key ${path}`, { cause: error });
  }
}

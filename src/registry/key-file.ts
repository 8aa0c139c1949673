import { open } from 'node:fs/promises';
import type HyperDHT from 'hyperdht';
import { hyperdht } from './lazy-modules.js';
import { KeyFileError } from './errors.js';
import { formatPublicKey, parsePublicKey } from './public-key.js';

/**
 * Identity files for publishers, image servers and gateways: one ed25519 key pair as JSON,
 * created with mode 0600. Like OpenSSH, a key file that group or others may read (or write) is
 * refused: a leaked publisher key lets anyone move the "latest" pointer of every appliance.
 */
export type KeyPair = HyperDHT.KeyPair;

const KEY_FILE_TYPE = 'rowboot-ed25519-key';
const SEED_BYTES = 32;
const OWNER_ONLY = 0o600;
const GROUP_OR_OTHER = 0o077;

interface KeyFileJson {
  type: string;
  publicKey: string;
  seed: string;
}

export function generateKeyPair(): KeyPair {
  return hyperdht().keyPair();
}

/** Writes `keyPair` (a new one if omitted) to `path`; refuses to replace a file unless `overwrite`. */
export async function writeKeyFile(
  path: string,
  keyPair: KeyPair = generateKeyPair(),
  options: { overwrite?: boolean } = {},
): Promise<KeyPair> {
  const body: KeyFileJson = {
    type: KEY_FILE_TYPE,
    publicKey: formatPublicKey(keyPair.publicKey),
    // libsodium secret keys are seed || public key; the seed alone rebuilds both halves.
    seed: keyPair.secretKey.subarray(0, SEED_BYTES).toString('hex'),
  };
  let file;
  try {
    file = await open(path, options.overwrite ? 'w' : 'wx', OWNER_ONLY);
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    throw new KeyFileError(path, exists ? 'already exists; refusing to overwrite a key' : 'cannot create key file', {
      cause: error,
    });
  }
  try {
    // An existing file opened with 'w' keeps its old mode; force owner-only either way.
    await file.chmod(OWNER_ONLY);
    await file.writeFile(`${JSON.stringify(body, null, 2)}\n`, 'utf8');
    await file.sync();
  } catch (error) {
    throw new KeyFileError(path, 'cannot write key file', { cause: error });
  } finally {
    await file.close();
  }
  return keyPair;
}

/** Reads a key file written by `writeKeyFile`, refusing one that group or others can access. */
export async function readKeyFile(path: string): Promise<KeyPair> {
  let text: string;
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new KeyFileError(path, 'cannot open key file', { cause: error });
  }
  try {
    // fstat on the opened file, so the mode checked is the mode of the bytes read.
    const mode = (await file.stat()).mode & 0o777;
    if ((mode & GROUP_OR_OTHER) !== 0) {
      throw new KeyFileError(
        path,
        `key file is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 ${path}`,
      );
    }
    text = await file.readFile('utf8');
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    throw new KeyFileError(path, 'cannot read key file', { cause: error });
  } finally {
    await file.close();
  }
  return decodeKeyFile(path, text);
}

function decodeKeyFile(path: string, text: string): KeyPair {
  let body: Partial<KeyFileJson>;
  try {
    body = JSON.parse(text) as Partial<KeyFileJson>;
  } catch (error) {
    throw new KeyFileError(path, 'not a rowboot key file (invalid JSON)', { cause: error });
  }
  if (body.type !== KEY_FILE_TYPE || typeof body.seed !== 'string' || typeof body.publicKey !== 'string') {
    throw new KeyFileError(path, `not a rowboot key file (expected type '${KEY_FILE_TYPE}' with seed and publicKey)`);
  }
  if (!/^[0-9a-f]{64}$/.test(body.seed)) throw new KeyFileError(path, 'seed must be 64 lowercase hex digits');
  const keyPair = hyperdht().keyPair(Buffer.from(body.seed, 'hex'));
  let publicKey: Buffer;
  try {
    publicKey = parsePublicKey(body.publicKey);
  } catch (error) {
    throw new KeyFileError(path, 'publicKey is not 64 hex digits', { cause: error });
  }
  if (!keyPair.publicKey.equals(publicKey)) {
    throw new KeyFileError(path, 'publicKey does not match the seed (corrupted key file?)');
  }
  return keyPair;
}

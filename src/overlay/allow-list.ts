import { readFile } from 'node:fs/promises';
import { AllowListError } from './errors.js';

/**
 * `row serve --allow KEYFILE`: the gateway public keys an image server accepts overlay streams
 * from, one 64-hex-digit key per line; blank lines and `#` comments are ignored.
 */
export type AllowList = ReadonlySet<string>;

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

export function parseAllowList(text: string, source = 'allow list'): AllowList {
  const keys = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    if (!HEX_KEY.test(line)) throw new AllowListError(`${source}:${index + 1}: '${line}' is not a public key (64 hex digits)`);
    keys.add(line.toLowerCase());
  });
  return keys;
}

export async function readAllowList(path: string): Promise<AllowList> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AllowListError(`cannot read allow list ${path}`, { cause: error });
  }
  return parseAllowList(text, path);
}

export function isAllowed(allow: AllowList | undefined, publicKey: Buffer): boolean {
  return allow === undefined || allow.has(publicKey.toString('hex'));
}

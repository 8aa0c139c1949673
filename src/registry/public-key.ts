import { PublicKeyFormatError } from './errors.js';

/** Ed25519 public keys (publishers, image servers, gateways) travel as 64 hex digits. */
export const PUBLIC_KEY_BYTES = 32;

const HEX_KEY = /^[0-9a-fA-F]{64}$/;

export function parsePublicKey(text: string): Buffer {
  const trimmed = text.trim();
  if (!HEX_KEY.test(trimmed)) {
    throw new PublicKeyFormatError(`'${text}' is not a public key: expected ${PUBLIC_KEY_BYTES * 2} hex digits`);
  }
  return Buffer.from(trimmed, 'hex');
}

export function formatPublicKey(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex');
}

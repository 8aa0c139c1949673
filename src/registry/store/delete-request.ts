import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { TransferError } from '../errors.js';
import type { KeyPair } from '../key-file.js';
import { assertImageName, assertVersion } from '../image-ref.js';

/**
 * `row gc --apply` asks image servers to delete versions of A. Only A's publisher may: the
 * request is signed with the publisher's ed25519 key (as stored in the server's manifests of
 * A), names the one server it is for (so it cannot be replayed to another server), and carries
 * a time and a nonce (so it cannot be replayed later to the same one).
 */
export interface DeleteRequest {
  op: 'delete';
  name: string;
  versions: number[];
  /** The image server's public key, hex. */
  server: string;
  /** The signer's public key, hex (must be A's publisher on that server). */
  publisher: string;
  issuedAt: number;
  nonce: string;
}

export interface SignedDeleteRequest {
  /** The request as JSON: the exact bytes signed. */
  request: string;
  signature: string;
}

/** How far a request's clock may be from the server's. */
export const DELETE_REQUEST_MAX_SKEW_MS = 5 * 60_000;
const SIGNATURE_CONTEXT = 'rowboot-delete/1\n';
const SEED_BYTES = 32;
const HEX_64 = /^[0-9a-f]{64}$/;
const HEX_128 = /^[0-9a-f]{128}$/;

function signable(request: string): Buffer {
  return Buffer.from(`${SIGNATURE_CONTEXT}${request}`, 'utf8');
}

export function signDeleteRequest(
  keyPair: KeyPair,
  target: { name: string; versions: number[]; server: Buffer },
  now = Date.now(),
): SignedDeleteRequest {
  assertImageName(target.name);
  target.versions.forEach(assertVersion);
  const request: DeleteRequest = {
    op: 'delete',
    name: target.name,
    versions: target.versions,
    server: target.server.toString('hex'),
    publisher: keyPair.publicKey.toString('hex'),
    issuedAt: now,
    nonce: randomBytes(16).toString('hex'),
  };
  const json = JSON.stringify(request);
  // libsodium secret keys are seed || public key; node:crypto takes the seed as a JWK.
  const privateKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: keyPair.secretKey.subarray(0, SEED_BYTES).toString('base64url'), x: keyPair.publicKey.toString('base64url') },
    format: 'jwk',
  });
  return { request: json, signature: sign(null, signable(json), privateKey).toString('hex') };
}

/**
 * Checks a request from the wire: well formed, for `server`, fresh, and signed by `publisher`.
 * Throws TransferError with a reason the client can show.
 */
export function verifyDeleteRequest(signed: unknown, expected: { server: Buffer; publisher: string; now?: number }): DeleteRequest {
  const envelope = signed as Partial<SignedDeleteRequest> | null;
  if (typeof envelope?.request !== 'string' || typeof envelope.signature !== 'string' || !HEX_128.test(envelope.signature)) {
    throw new TransferError('a delete request needs "request" (JSON text) and "signature" (128 hex digits)');
  }
  let request: DeleteRequest;
  try {
    request = JSON.parse(envelope.request) as DeleteRequest;
    assertImageName(request.name);
    if (!Array.isArray(request.versions) || request.versions.length === 0) throw new TransferError('no versions');
    request.versions.forEach(assertVersion);
  } catch (error) {
    throw new TransferError(`malformed delete request: ${(error as Error).message}`, { cause: error });
  }
  if (request.op !== 'delete' || !HEX_64.test(String(request.server)) || !HEX_64.test(String(request.publisher)) || !Number.isSafeInteger(request.issuedAt)) {
    throw new TransferError('malformed delete request');
  }
  if (request.server !== expected.server.toString('hex')) throw new TransferError(`this request is for server ${request.server}`);
  if (request.publisher !== expected.publisher) {
    throw new TransferError(`${request.name} belongs to publisher ${expected.publisher} on this server, not ${request.publisher}`);
  }
  const skew = Math.abs((expected.now ?? Date.now()) - request.issuedAt);
  if (skew > DELETE_REQUEST_MAX_SKEW_MS) throw new TransferError(`request time is ${Math.round(skew / 1000)} s off this server's clock`);
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(expected.publisher, 'hex').toString('base64url') }, format: 'jwk' });
  if (!verify(null, signable(envelope.request), publicKey, Buffer.from(envelope.signature, 'hex'))) {
    throw new TransferError(`the request is not signed by ${request.name}'s publisher`);
  }
  return request;
}

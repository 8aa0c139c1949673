import { sodium } from './lazy-modules.js';
import type HyperDHT from 'hyperdht';
import type { KeyPair } from './key-file.js';

/**
 * One signing key per (identity, purpose), derivable from the public key alone.
 *
 * hyperdht stores one mutable record per public key (target = hash(publicKey), no salt), yet
 * the "latest version of A" table is keyed by publisher *and* A. We therefore tweak the
 * publisher's ed25519 key with a public namespace (libsodium-native's key-tweaking extension):
 *   derivedPublic = publisherPublic + H(namespace)·G,  derivedScalar = publisherScalar + H(namespace).
 * Anyone who knows the publisher key and A can compute derivedPublic and verify records under it;
 * only the holder of the publisher's secret can sign for it. The same derivation gives each image
 * server and gateway one record per (server|gateway, A@vN) for the servers and users tables.
 */
export type DerivedSigner = HyperDHT.SigningKeyPair;

const SCALAR_BYTES = 32;
const PUBLIC_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

/** The public half of `derivedSigner(keyPair, namespace)`, computed from the public key only. */
export function derivePublicKey(publicKey: Buffer, namespace: Buffer): Buffer {
  const derived = Buffer.alloc(PUBLIC_KEY_BYTES);
  sodium().extension_tweak_ed25519_pk(derived, publicKey, namespace);
  return derived;
}

/** A signer hyperdht can use in place of a key pair (`mutablePut` calls `sign`). */
export function derivedSigner(keyPair: KeyPair, namespace: Buffer): DerivedSigner {
  const baseScalar = Buffer.alloc(SCALAR_BYTES);
  sodium().extension_tweak_ed25519_sk_to_scalar(baseScalar, keyPair.secretKey);
  const scalar = Buffer.alloc(SCALAR_BYTES);
  sodium().extension_tweak_ed25519_scalar(scalar, baseScalar, namespace);
  sodium().sodium_memzero(baseScalar);
  const publicKey = derivePublicKey(keyPair.publicKey, namespace);
  return {
    publicKey,
    sign(signable: Buffer): Buffer {
      const signature = Buffer.alloc(SIGNATURE_BYTES);
      sodium().extension_tweak_ed25519_sign_detached(signature, signable, scalar, publicKey);
      return signature;
    },
  };
}

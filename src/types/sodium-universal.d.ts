/**
 * Types for the few `sodium-universal` (libsodium via sodium-native) calls rowboot makes: the
 * ed25519 key-tweaking extension used to derive one signing key per (publisher, appliance).
 */
declare module 'sodium-universal' {
  const sodium: {
    extension_tweak_ed25519_sk_to_scalar(scalarOut: Buffer, secretKey: Buffer): void;
    extension_tweak_ed25519_scalar(scalarOut: Buffer, scalar: Buffer, namespace: Buffer): void;
    extension_tweak_ed25519_pk(tweakedPublicKeyOut: Buffer, publicKey: Buffer, namespace: Buffer): void;
    extension_tweak_ed25519_sign_detached(signatureOut: Buffer, message: Buffer, scalar: Buffer, publicKey?: Buffer): void;
    crypto_sign_verify_detached(signature: Buffer, message: Buffer, publicKey: Buffer): boolean;
    crypto_core_ed25519_is_valid_point(point: Buffer): boolean;
    sodium_memzero(buffer: Buffer): void;
    readonly extension_tweak_ed25519_SCALARBYTES: number;
    readonly crypto_sign_PUBLICKEYBYTES: number;
    readonly crypto_sign_BYTES: number;
  };
  export default sodium;
}

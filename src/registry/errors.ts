/** Base of every error src/registry raises; callers branch on the subclass. */
export class RegistryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** `A` or `A@vN` is not a valid image reference; the message says what is allowed. */
export class ImageRefError extends RegistryError {}

/** A public key given on the command line or in a config file is not 32 bytes of hex. */
export class PublicKeyFormatError extends RegistryError {}

/** A key file cannot be created or read, or is readable by others. */
export class KeyFileError extends RegistryError {
  constructor(
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${path}: ${message}`, options);
  }
}

/** A record fetched from the DHT is signed correctly but does not decode to what its key promises. */
export class RecordFormatError extends RegistryError {}

/** The version to publish is not above the current latest one (the DHT would refuse it too). */
export class VersionNotNewerError extends RegistryError {
  constructor(
    readonly imageName: string,
    readonly latestVersion: number,
    readonly requestedVersion: number,
  ) {
    super(
      `${imageName} is already at v${latestVersion}; publish v${latestVersion + 1} or higher (requested v${requestedVersion})`,
    );
  }
}

/** The DHT did not keep a record we put (another publish won, or too few nodes answered). */
export class PublishRejectedError extends RegistryError {}

/** A DHT query failed (no nodes reachable, node destroyed, ...). */
export class DhtQueryError extends RegistryError {}

/** A manifest does not decode, or describes an unsafe or inconsistent tree; the message says where. */
export class ManifestError extends RegistryError {}

/** An image store cannot be read or written (the cause is the file-system error). */
export class ImageStoreError extends RegistryError {}

/** The store already holds that version, or holds the appliance for another publisher. */
export class StoreConflictError extends ImageStoreError {}

/** A publish or delete over the overlay failed: the server refused (message = its reason) or the stream broke. */
export class TransferError extends RegistryError {}

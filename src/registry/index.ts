/**
 * The rowboot image registry: the three DHT tables of 002_eb6434fc5d94cfdc.txt Section 3
 * (latest version of A, servers of A@vN, users of A@vN) on hyperdht, key files, image references
 * and the garbage-collection rule; the image store of `row serve` (store/: layout, manifests, the
 * publish and delete services on overlay streams). Knows nothing of NFS.
 */
export {
  Registry,
  DEFAULT_SERVERS_TTL_MS,
  DEFAULT_USERS_TTL_MS,
  type RegistryOptions,
  type ServerEntry,
  type UserCount,
} from './registry.js';
export type { LatestRecord } from './latest-table.js';
export { MIN_PRESENCE_TTL_MS, type PresenceHandle } from './presence-announcement.js';
export { LOOKUP_REPLY_CAP } from './presence-lookup.js';
export { USERS_SHARDS, serversTopic, usersTopic, type ImageVersion } from './topics.js';
export {
  parseImageRef,
  parseVersionedImageRef,
  parseVersion,
  formatImageRef,
  assertImageName,
  MAX_VERSION,
  type ImageRef,
} from './image-ref.js';
export { generateKeyPair, readKeyFile, writeKeyFile, type KeyPair } from './key-file.js';
export { parsePublicKey, formatPublicKey, PUBLIC_KEY_BYTES } from './public-key.js';
export { derivePublicKey, derivedSigner } from './derived-key.js';
export { latestNamespace } from './topics.js';
export { encodeLatest, decodeLatest, MAX_RECORD_BYTES, type LatestValue, type PresenceValue } from './records.js';
export { gcCandidates, gcDecisions, type GcInput, type GcDecision, type VersionUsage } from './gc.js';
export {
  startDhtNode,
  startBootstrapNode,
  startLocalTestnet,
  parseBootstrapList,
  parseDhtAddress,
  type DhtAddress,
  type DhtNodeOptions,
  type LocalTestnet,
} from './dht-node.js';
export { ImageStore, INCOMING_DIR, type StoredVersion, type Staging } from './store/image-store.js';
export {
  MANIFEST_BLOCK_SIZE,
  dataBlockIndexes,
  decodeManifest,
  encodeManifest,
  manifestHash,
  manifestTotals,
  type Manifest,
  type ManifestEntry,
  type ManifestTotals,
} from './store/manifest.js';
export { buildManifest, type BuiltManifest, type ImageIdentity } from './store/manifest-builder.js';
export { TreeWriter } from './store/tree-writer.js';
export { imagePathProblem } from './store/safe-path.js';
export { publishToStore, type StorePublishResult } from './store/local-publish.js';
export { servePublish, type AuthenticatedStream, type PublishServiceOptions } from './store/publish-service.js';
export { uploadImage, type UploadOptions, type UploadResult } from './store/publish-client.js';
export { DeleteService, requestDelete, type DeleteServiceOptions } from './store/delete-service.js';
export { signDeleteRequest, verifyDeleteRequest, type DeleteRequest, type SignedDeleteRequest } from './store/delete-request.js';
export { StoreAnnouncer, type StoreAnnouncerOptions } from './store/store-announcer.js';
export { PUBLISH_SERVICE, DELETE_SERVICE, type DeleteResult } from './store/wire.js';
export {
  RegistryError,
  ImageRefError,
  PublicKeyFormatError,
  KeyFileError,
  RecordFormatError,
  VersionNotNewerError,
  PublishRejectedError,
  DhtQueryError,
  ManifestError,
  ImageStoreError,
  StoreConflictError,
  TransferError,
} from './errors.js';

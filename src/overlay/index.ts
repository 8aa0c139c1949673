/**
 * Transports between a gateway and an image server (the paper's IPOP role): Noise-encrypted
 * hyperdht streams addressed by public key, with hole punching and relays, an allow list of
 * gateway keys, and TCP bridges on both ends so NFS over TCP runs through them unchanged.
 * Knows nothing of NFS.
 */
export {
  startOverlayServer,
  type OverlayServer,
  type OverlayServerOptions,
  type OverlayServerStats,
  type StreamHandler,
  type TcpTarget,
} from './overlay-server.js';
export {
  connectOverlay,
  startOverlayForwarder,
  DEFAULT_CONNECT_TIMEOUT_MS,
  type ConnectOverlayOptions,
  type ForwarderOptions,
  type ForwarderStats,
  type OverlayForwarder,
} from './overlay-connect.js';
export { parseAllowList, readAllowList, isAllowed, type AllowList } from './allow-list.js';
export { encodeServiceHeader, parseServiceHeader, MAX_HEADER_BYTES } from './service-header.js';
export { OverlayError, OverlayConnectError, AllowListError } from './errors.js';

/** The ROW-FS proxy: redirect-on-write NFSv3 over a read-only main server and a writable shadow server. */
export { startRowProxy, defaultSessionKey, DEFAULT_BLOCK_SIZE, type RowProxy, type RowProxyOptions } from './proxy.js';
export { ROOT_BACKEND_CALLER, type BackendCaller, type Nfs3Backend, type Nfs3WorkProc } from './backend.js';
export { RemoteNfs3Backend, type RemoteBackendOptions } from './remote-backend.js';
export {
  connectUpstream,
  parseUpstreamSpec,
  type ConnectedUpstream,
  type ConnectUpstreamOptions,
  type UpstreamAddress,
  type UpstreamExport,
} from './connect-upstream.js';
export type { RowProxyMetrics, ProcedureMetrics, DestinationCounter, Destination } from './metrics.js';
export { RowfsError, RowfsStateError, UpstreamConnectError, UpstreamUnavailableError, UpstreamReplyError } from './errors.js';
export { VIRTUAL_HANDLE_BYTES } from './virtual-handle.js';
export { PresenceBitmap } from './presence-bitmap.js';
export { rowProxyMetricFamilies, formatRowProxySummary } from './metric-families.js';

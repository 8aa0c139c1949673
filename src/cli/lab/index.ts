/**
 * The lab: private namespaces with a bridge, a PXE VM under QEMU, and `row` servers as child
 * processes. `row demo` runs on it; benchmarks import it from dist.
 */
export { LabError } from './errors.js';
export { BootMarker, bootFailurePatterns, scenarioKernelArgs } from './boot-markers.js';
export { bootAssetsCached, bootAssetsIn, bootAssetsKey, buildBootAssets, cachedBootAssets, BootAssetsError, type BootAssets } from './boot-assets.js';
export { createLabNetwork, LabAddress, type LabNetwork, type LabNetworkOptions } from './network.js';
export { createNamespaceSet, sweepStaleNamespaces, type NamespaceSet, type NamespaceSetOptions } from './namespaces.js';
export { PxeVm, PXE_E1000_ROM, type PxeVmOptions } from './pxe-vm.js';
export type { ConsoleMatch } from './console-log.js';
export { startRowChild, type RowChild, type RowChildOptions } from './row-child.js';
export { spawnInNetns, exitOf, isRunning } from './ns-spawn.js';
export {
  gatewayArgs,
  startGatewayServer,
  startImageServer,
  IMAGE_SERVER_PORT,
  METRICS_HOST,
  METRICS_PORT,
  type GatewayServerOptions,
  type ImageServer,
} from './servers.js';
export { fetchGatewayFigures, figuresBetween, gatewayFigures, ProxyMetricName, type GatewayFigures } from './gateway-figures.js';
export { treeFileBytes } from './tree-size.js';
export { findExecutable, runCommand } from './run-command.js';
export { randomMac } from './mac.js';
export { signalPid, sleep } from './pids.js';

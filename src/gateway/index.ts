/** The gateway: DHCP + TFTP + portmap + the ROW-FS proxy for diskless PXE clients on one link. */
export { startGateway, type Gateway, type GatewayOptions } from './gateway.js';
export {
  resolveGatewayConfig,
  anchorSettingsPaths,
  GatewayConfigKey,
  DEFAULT_NFS_PORT,
  DEFAULT_PORTMAP_PORT,
  type GatewayConfig,
  type GatewaySettings,
} from './config.js';
export { loadGatewaySettings } from './config-file.js';
export { openEmbeddedShadow, type EmbeddedShadow } from './embedded-shadow.js';
export { clientKernelArgs, macOfPxelinuxPath, pxelinuxConfig, pxelinuxVirtualFiles, type PxelinuxConfigOptions } from './pxelinux-config.js';
export { macSessionKey, type LeaseLookup } from './session-key.js';
export { gatewayMappings, startPortmapServer, type PortmapServer } from './portmap-server.js';
export { dhcpMetricFamilies, imageMetricFamilies, tftpMetricFamilies } from './metric-families.js';
export { prefixedLogger, silentGatewayLogger, type GatewayLogger } from './logger.js';
export { GatewayConfigError, GatewayError, GatewayStartError, ImageServerError, ImageUnavailableError } from './errors.js';
export {
  resolveImageSourceConfig,
  ImageConfigKey,
  DEFAULT_FAILOVER_AFTER_MS,
  type ImageSourceConfig,
  type ImageSettings,
} from './image-config.js';
export { startImageMain, notingClients, GATEWAY_KEY_FILE, type ImageMain, type ImageMainOptions, type ImageMainStatus } from './image-main.js';
export { ImageHandles, IMAGE_HANDLE_BYTES } from './image-handles.js';

/** Base of every error src/gateway raises; callers branch on the subclass. */
export class GatewayError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration value (flag or config file key) is missing or invalid; `key` names it. */
export class GatewayConfigError extends GatewayError {
  constructor(
    readonly key: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${key}: ${message}`, options);
  }
}

/** A service of the gateway (DHCP, TFTP, proxy, portmap, guard) could not start. */
export class GatewayStartError extends GatewayError {
  constructor(
    readonly service: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${service}: ${message}`, options);
  }
}

/** One image server could not be used (overlay stream, MNT of its copy); another holder may be. */
export class ImageServerError extends GatewayError {}

/** The image cannot be used now: not published, or no server holding the version is reachable. */
export class ImageUnavailableError extends GatewayError {}

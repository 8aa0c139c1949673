/** Base of every error src/boot/dhcp raises; callers branch on the subclass. */
export class DhcpError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A packet that is not a well-formed BOOTP/DHCP message (dropped and counted as garbage). */
export class DhcpDecodeError extends DhcpError {}

/** A reply that cannot be encoded within the client's maximum message size. */
export class DhcpEncodeError extends DhcpError {}

/** A configuration value is invalid; `key` names it as the config file / flags do. */
export class DhcpConfigError extends DhcpError {
  constructor(
    readonly key: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${key}: ${message}`, options);
  }
}

/** The lease file cannot be read, parsed or written. */
export class LeaseFileError extends DhcpError {
  constructor(
    readonly path: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${path}: ${message}`, options);
  }
}

/** The DHCP sockets could not be opened. */
export class DhcpSocketError extends DhcpError {}

/** The nftables guard could not be installed or removed. */
export class DhcpGuardError extends DhcpError {}

/** radvd could not be started or exited early. */
export class RouterAdvertiserError extends DhcpError {}

/** Base of every error src/overlay raises; callers branch on the subclass. */
export class OverlayError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No overlay stream could be opened to any of the peers tried. */
export class OverlayConnectError extends OverlayError {}

/** An allow-list file cannot be read or has a line that is not a public key. */
export class AllowListError extends OverlayError {}

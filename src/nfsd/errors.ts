/** Base of the errors the embedded server raises outside NFS replies (start-up, state). */
export class NfsdError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The export directory is missing, not a directory, or unusable. */
export class ExportDirError extends NfsdError {}

/** The state directory (handle key) could not be read or created. */
export class NfsdStateError extends NfsdError {}

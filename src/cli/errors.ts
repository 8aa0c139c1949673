/**
 * The one expected-error class of the CLI: bad flags, a missing file, a port in use.
 * `row` prints its message (no stack) and exits 2; anything else is a bug and prints a stack.
 */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

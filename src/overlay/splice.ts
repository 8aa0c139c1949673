import type { Duplex } from 'node:stream';

/**
 * Joins two byte streams both ways (an overlay stream and a TCP socket). When one side closes,
 * the other is ended (its queued bytes still flush); an error on either destroys both.
 * `onDone` runs once, when both sides have closed.
 */
export function splice(a: Duplex, b: Duplex, onDone?: (error?: Error) => void): void {
  let firstError: Error | undefined;
  let open = 2;
  a.pipe(b);
  b.pipe(a);
  const wire = (stream: Duplex, other: Duplex) => {
    stream.on('error', (error: Error) => {
      firstError ??= error;
      a.destroy();
      b.destroy();
    });
    stream.on('close', () => {
      if (!other.destroyed) other.end();
      if (--open === 0) onDone?.(firstError);
    });
  };
  wire(a, b);
  wire(b, a);
}

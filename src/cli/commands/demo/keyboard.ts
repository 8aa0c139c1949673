/**
 * The interactive demo hands the terminal to the guest's serial console: raw mode, every key
 * goes to QEMU (Ctrl-C interrupts the guest's command, not the demo), and Ctrl-] — telnet's
 * escape key — ends the demo.
 */
import type { CliTerminal } from '../../io.js';

/** ASCII GS, what a terminal sends for Ctrl-]. */
export const QUIT_KEY = 0x1d;

/** Starts forwarding; returns the function that gives the terminal back (cooked mode, paused). */
export function forwardKeys(terminal: CliTerminal, toGuest: (keys: Buffer) => void, onQuit: () => void): () => void {
  const input = terminal.input;
  const onData = (chunk: Buffer): void => {
    const quit = chunk.indexOf(QUIT_KEY);
    if (quit < 0) {
      toGuest(chunk);
      return;
    }
    if (quit > 0) toGuest(chunk.subarray(0, quit));
    onQuit();
  };
  input.setRawMode(true);
  input.on('data', onData);
  input.resume();
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    input.off('data', onData);
    input.setRawMode(false);
    input.pause();
  };
}

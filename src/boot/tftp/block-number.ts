/**
 * Absolute block indexes <-> 16-bit wire block numbers. A transfer counts blocks from 1 with
 * plain numbers; only the wire wraps. After block 65535 the next block is 0, which is what
 * most clients expect (curl, busybox, tftp-hpa, iPXE, the npm client); a client may ask for
 * 1 instead with the `rollover` option (an expired tftpext draft, honoured because it is free).
 * ACK 0 is also the acknowledgement of an OACK (RFC 2347), absolute index 0.
 */
import { BLOCK_NUMBER_MODULUS } from './constants.js';

export type RolloverBase = 0 | 1;

function modulo(value: number, period: number): number {
  const rest = value % period;
  return rest < 0 ? rest + period : rest;
}

/** The wire number of absolute block `index` (index 0 is the OACK's ACK). */
export function wireBlockNumber(index: number, rollover: RolloverBase): number {
  if (index === 0) return 0;
  const period = BLOCK_NUMBER_MODULUS - rollover;
  return modulo(index - rollover, period) + rollover;
}

/**
 * The absolute index in [low, high] whose wire number is `wire` (the highest, though the
 * window is always shorter than the wrap period, so it is unique), or undefined.
 */
export function absoluteBlockIndex(wire: number, low: number, high: number, rollover: RolloverBase): number | undefined {
  if (!Number.isInteger(wire) || wire < 0 || wire >= BLOCK_NUMBER_MODULUS || high < low) return undefined;
  if (rollover === 1 && wire === 0) return low === 0 ? 0 : undefined;
  const floor = rollover === 1 ? Math.max(low, 1) : low;
  if (high < floor) return undefined;
  const period = BLOCK_NUMBER_MODULUS - rollover;
  const candidate = high - modulo(wireBlockNumber(high, rollover) - wire, period);
  return candidate >= floor ? candidate : undefined;
}

import { randomBytes } from 'node:crypto';

/** A random MAC in QEMU's locally administered range 52:54:00:xx:xx:xx. */
export function randomMac(): string {
  return ['52', '54', '00', ...[...randomBytes(3)].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
}

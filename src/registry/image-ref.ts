import { ImageRefError } from './errors.js';

/**
 * Appliance names and versions as users type them: `A` (the latest version) or `A@vN`.
 * A name is also a directory name in an image server's store (DIR/<A>/<vN>/), so it is kept to
 * a portable set: it starts with a letter or digit and has no `/`, `@` or spaces.
 */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const VERSION_PATTERN = /^v([1-9][0-9]{0,9})$/;

/** Versions are DHT sequence numbers (the "latest" record's seq = version), so they start at 1. */
export const MAX_VERSION = 0xffff_ffff;

export interface ImageRef {
  name: string;
  /** Absent for a bare `A`, which means "the latest version". */
  version?: number;
}

export function assertImageName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new ImageRefError(
      `invalid appliance name '${name}': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}

export function assertVersion(version: number): void {
  if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) {
    throw new ImageRefError(`invalid version ${version}: versions are integers from 1 to ${MAX_VERSION}`);
  }
}

/** Parses `vN` (the part after `@`). */
export function parseVersion(text: string): number {
  const match = VERSION_PATTERN.exec(text);
  const version = match ? Number(match[1]) : Number.NaN;
  if (!match || version > MAX_VERSION) {
    throw new ImageRefError(`invalid version '${text}': write v1, v2, ... (no leading zeros)`);
  }
  return version;
}

/** Parses `A` or `A@vN`. */
export function parseImageRef(text: string): ImageRef {
  const at = text.indexOf('@');
  if (at < 0) {
    assertImageName(text);
    return { name: text };
  }
  const name = text.slice(0, at);
  assertImageName(name);
  return { name, version: parseVersion(text.slice(at + 1)) };
}

/** Parses `A@vN` and refuses a bare `A`. */
export function parseVersionedImageRef(text: string): Required<ImageRef> {
  const ref = parseImageRef(text);
  if (ref.version === undefined) throw new ImageRefError(`'${text}' names no version: write ${text}@vN`);
  return { name: ref.name, version: ref.version };
}

export function formatImageRef(ref: ImageRef): string {
  return ref.version === undefined ? ref.name : `${ref.name}@v${ref.version}`;
}

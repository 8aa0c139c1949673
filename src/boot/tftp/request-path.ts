/**
 * Turns a requested file name into a relative path inside the server's root, or refuses it.
 * Names are refused (ERROR 2, access violation) rather than rewritten: a client that sends
 * `..`, an absolute path, a backslash (Windows-style separators, which some servers map to
 * `/`), or a NUL is either confused or probing, and a clear refusal is easier to debug.
 * Empty and `.` components are dropped (`a//./b` is `a/b`).
 */
import { TftpRequestError } from './errors.js';

/** Longest accepted name; PXE names are short, and this bounds the work per request. */
export const MAX_REQUEST_PATH_BYTES = 1024;

export function normalizeRequestPath(requested: string): string {
  if (requested.length === 0) throw TftpRequestError.accessViolation('empty file name');
  if (requested.length > MAX_REQUEST_PATH_BYTES) throw TftpRequestError.accessViolation('file name too long');
  if (requested.includes('\0')) throw TftpRequestError.accessViolation('NUL in file name');
  if (requested.includes('\\')) throw TftpRequestError.accessViolation('backslash in file name');
  if (requested.startsWith('/')) throw TftpRequestError.accessViolation('absolute file name');
  const parts: string[] = [];
  for (const part of requested.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw TftpRequestError.accessViolation('".." in file name');
    parts.push(part);
  }
  if (parts.length === 0) throw TftpRequestError.accessViolation('file name names the root');
  return parts.join('/');
}

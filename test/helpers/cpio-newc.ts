/**
 * Writes a cpio archive in the "newc" format the kernel's initramfs unpacker reads
 * (Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header of
 * 13 eight-digit hex fields, the NUL-terminated name, data, each padded to 4 bytes.
 */

export interface CpioEntry {
  /** Path inside the archive, without a leading slash (e.g. `workload.sh`, `etc/x.conf`). */
  path: string;
  /** File contents; omit for a directory. */
  data?: Buffer | string;
  /** Permission bits; default 0o644 for files, 0o755 for directories. */
  mode?: number;
}

/** File-type bits of st_mode (POSIX <sys/stat.h>). */
const FileType = { S_IFDIR: 0o040000, S_IFREG: 0o100000 } as const;
const newcMagic = '070701';
const trailerName = 'TRAILER!!!';

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function pad4(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

function record(ino: number, mode: number, name: string, data: Buffer): Buffer {
  const nameBytes = Buffer.from(`${name}\0`, 'utf8');
  const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = Buffer.from(newcMagic + fields.map(hex8).join(''), 'ascii');
  const head = Buffer.concat([header, nameBytes]);
  return Buffer.concat([head, pad4(head.length), data, pad4(data.length)]);
}

/** Builds the archive; parent directories of every file are added before it. */
export function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const seenDirs = new Set<string>();
  let ino = 1;
  const addDir = (path: string, mode = 0o755): void => {
    if (seenDirs.has(path)) return;
    seenDirs.add(path);
    parts.push(record(ino++, FileType.S_IFDIR | mode, path, Buffer.alloc(0)));
  };
  for (const entry of entries) {
    const path = entry.path.replace(/^\/+/, '');
    if (path === '' || path.split('/').includes('..')) throw new RangeError(`bad cpio path ${JSON.stringify(entry.path)}`);
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) addDir(segments.slice(0, i).join('/'));
    if (entry.data === undefined) {
      addDir(path, entry.mode ?? 0o755);
      continue;
    }
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    parts.push(record(ino++, FileType.S_IFREG | (entry.mode ?? 0o644), path, data));
  }
  parts.push(record(0, 0, trailerName, Buffer.alloc(0)));
  return Buffer.concat(parts);
}

import { fdatasync, fsync, read, write } from 'node:fs';

/** Reads up to buffer.length bytes at `position`; fewer only at end of file. */
export function readAt(fd: number, buffer: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buffer, 0, buffer.length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead)));
  });
}

function writeOnce(fd: number, data: Buffer, offset: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    write(fd, data, offset, data.length - offset, position, (error, written) => (error ? reject(error) : resolve(written)));
  });
}

/** Writes all of `data` at `position` (a short write is retried for the rest). */
export async function writeAllAt(fd: number, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    done += await writeOnce(fd, data, done, position + done);
  }
}

export function syncData(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
}

export function syncFile(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
}

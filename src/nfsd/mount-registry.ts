import type { MountBody } from '../nfs/index.js';

/**
 * Who mounted what, for MOUNT DUMP (RFC 1813 Appendix I). Kept in memory only: the list
 * is advisory (clients never depend on it), like the Linux server's rmtab in spirit.
 */
export class MountRegistry {
  private readonly mounts = new Map<string, Set<string>>();

  add(host: string, directory: string): void {
    let directories = this.mounts.get(host);
    if (directories === undefined) {
      directories = new Set();
      this.mounts.set(host, directories);
    }
    directories.add(directory);
  }

  remove(host: string, directory: string): void {
    const directories = this.mounts.get(host);
    if (directories === undefined) return;
    directories.delete(directory);
    if (directories.size === 0) this.mounts.delete(host);
  }

  removeHost(host: string): void {
    this.mounts.delete(host);
  }

  list(): MountBody[] {
    return [...this.mounts].flatMap(([hostname, directories]) => [...directories].map((directory) => ({ hostname, directory })));
  }
}

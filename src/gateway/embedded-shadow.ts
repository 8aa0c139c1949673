/**
 * The default shadow server: an in-process ExportFs over a local directory, called directly
 * (no RPC). Shared by `row gateway` and `row proxy --shadow-dir`.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExportFs } from '../nfsd/index.js';
import type { UpstreamExport } from '../rowfs/index.js';

export interface EmbeddedShadow extends UpstreamExport {
  close(): Promise<void>;
}

/** Opens `shadowDir` (created if missing) with its handle state under `<stateDir>/shadow-nfsd`. */
export async function openEmbeddedShadow(shadowDir: string, stateDir: string): Promise<EmbeddedShadow> {
  const dir = resolve(shadowDir);
  mkdirSync(dir, { recursive: true });
  const exportFs = await ExportFs.open({ exportDir: dir, stateDir: join(stateDir, 'shadow-nfsd') });
  return {
    backend: exportFs,
    rootFh: exportFs.rootHandle,
    exportPath: exportFs.exportPath,
    name: `shadow ${exportFs.exportPath} (embedded)`,
    close: async () => exportFs.close(),
  };
}

/** An embedded NFSv3 server (with MOUNT and portmap) exporting one local directory. */
export { startNfsd, type Nfsd, type NfsdOptions, type NfsdStats } from './nfsd.js';
export { ExportFs, type ExportFsStats } from './export-fs.js';
export type { ExportFsOptions } from './export-core.js';
export { createNfsPrograms, ownMappings, type NfsProgramsOptions } from './programs.js';
export { createNfsProgram, type ProcedureCounts } from './nfs-program.js';
export { createMountProgram } from './mount-program.js';
export { createPortmapProgram } from './portmap-program.js';
export { MountRegistry } from './mount-registry.js';
export { callerOf, ROOT_CALLER, NOBODY_CALLER, type NfsCaller } from './caller.js';
export { NfsdError, ExportDirError, NfsdStateError } from './errors.js';
export type { NfsdLogger } from './logger.js';
export { HANDLE_BYTES } from './file-handle.js';
export { modifyingProcs } from './procedures/table.js';

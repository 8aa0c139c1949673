/** The portmapper program moved to src/nfs (shared with the ROW-FS proxy); re-exported for nfsd's callers. */
export { createPortmapProgram } from '../nfs/index.js';

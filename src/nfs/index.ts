/** NFS version 3, MOUNT version 3 and portmapper version 2: types, codecs and typed clients. */
export * from './constants.js';
export * from './limits.js';
export type * from './types.js';
export { NfsStatusError } from './errors.js';
export { nfsstatName, mountstatName } from './status-name.js';
export { errnoToNfsstat3, nfsstat3ToErrno } from './errno.js';

export { nfs3Codecs, nfs3CodecList, nfs3CodecFor, type Nfs3Codec, type Nfs3Codecs } from './nfs3/codecs.js';
export * from './nfs3/common.js';
export * from './nfs3/bodies.js';
export * from './nfs3/null.js';
export * from './nfs3/getattr.js';
export * from './nfs3/setattr.js';
export * from './nfs3/lookup.js';
export * from './nfs3/access.js';
export * from './nfs3/readlink.js';
export * from './nfs3/read.js';
export * from './nfs3/write.js';
export * from './nfs3/create.js';
export * from './nfs3/mkdir.js';
export * from './nfs3/symlink.js';
export * from './nfs3/mknod.js';
export * from './nfs3/remove.js';
export * from './nfs3/rmdir.js';
export * from './nfs3/rename.js';
export * from './nfs3/link.js';
export * from './nfs3/readdir.js';
export * from './nfs3/readdirplus.js';
export * from './nfs3/fsstat.js';
export * from './nfs3/fsinfo.js';
export * from './nfs3/pathconf.js';
export * from './nfs3/commit.js';
export * from './mount/codecs.js';
export * from './portmap/codecs.js';

export { Nfs3Client } from './nfs3-client.js';
export { MountClient } from './mount-client.js';
export { PortmapClient } from './portmap-client.js';

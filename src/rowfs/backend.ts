import { Nfs3Proc } from '../nfs/index.js';
import type {
  AccessArgs,
  AccessResult,
  CommitArgs,
  CommitResult,
  CreateArgs,
  CreateResult,
  FsinfoArgs,
  FsinfoResult,
  FsstatArgs,
  FsstatResult,
  GetattrArgs,
  GetattrResult,
  LinkArgs,
  LinkResult,
  LookupArgs,
  LookupResult,
  MkdirArgs,
  MkdirResult,
  MknodArgs,
  MknodResult,
  Nfs3ProcTypes,
  PathconfArgs,
  PathconfResult,
  ReadArgs,
  ReaddirArgs,
  ReaddirplusArgs,
  ReaddirplusResult,
  ReaddirResult,
  ReadlinkArgs,
  ReadlinkResult,
  ReadResult,
  RemoveArgs,
  RemoveResult,
  RenameArgs,
  RenameResult,
  RmdirArgs,
  RmdirResult,
  SetattrArgs,
  SetattrResult,
  SymlinkArgs,
  SymlinkResult,
  WriteArgs,
  WriteResult,
} from '../nfs/index.js';

/** Whom an upstream call acts for: the client's AUTH_SYS identity (RFC 5531 section 14). */
export interface BackendCaller {
  uid: number;
  gid: number;
  gids: readonly number[];
}

export const ROOT_BACKEND_CALLER: BackendCaller = Object.freeze({ uid: 0, gid: 0, gids: Object.freeze([]) });

/**
 * An NFSv3 server as the proxy sees it: one method per RFC 1813 procedure resolving to
 * the raw result union (an NFS failure is a value). A remote server over RPC
 * (RemoteNfs3Backend) and the embedded server's in-process ExportFs both have this shape.
 * A method rejects only when the server cannot be reached (UpstreamUnavailableError) or
 * answered garbage.
 */
export interface Nfs3Backend {
  getattr(args: GetattrArgs, caller?: BackendCaller): Promise<GetattrResult>;
  setattr(args: SetattrArgs, caller?: BackendCaller): Promise<SetattrResult>;
  lookup(args: LookupArgs, caller?: BackendCaller): Promise<LookupResult>;
  access(args: AccessArgs, caller?: BackendCaller): Promise<AccessResult>;
  readlink(args: ReadlinkArgs, caller?: BackendCaller): Promise<ReadlinkResult>;
  read(args: ReadArgs, caller?: BackendCaller): Promise<ReadResult>;
  write(args: WriteArgs, caller?: BackendCaller): Promise<WriteResult>;
  create(args: CreateArgs, caller?: BackendCaller): Promise<CreateResult>;
  mkdir(args: MkdirArgs, caller?: BackendCaller): Promise<MkdirResult>;
  symlink(args: SymlinkArgs, caller?: BackendCaller): Promise<SymlinkResult>;
  mknod(args: MknodArgs, caller?: BackendCaller): Promise<MknodResult>;
  remove(args: RemoveArgs, caller?: BackendCaller): Promise<RemoveResult>;
  rmdir(args: RmdirArgs, caller?: BackendCaller): Promise<RmdirResult>;
  rename(args: RenameArgs, caller?: BackendCaller): Promise<RenameResult>;
  link(args: LinkArgs, caller?: BackendCaller): Promise<LinkResult>;
  readdir(args: ReaddirArgs, caller?: BackendCaller): Promise<ReaddirResult>;
  readdirplus(args: ReaddirplusArgs, caller?: BackendCaller): Promise<ReaddirplusResult>;
  fsstat(args: FsstatArgs, caller?: BackendCaller): Promise<FsstatResult>;
  fsinfo(args: FsinfoArgs, caller?: BackendCaller): Promise<FsinfoResult>;
  pathconf(args: PathconfArgs, caller?: BackendCaller): Promise<PathconfResult>;
  commit(args: CommitArgs, caller?: BackendCaller): Promise<CommitResult>;
}

/** Procedure numbers with a body (NULL is answered by the RPC layer and never forwarded). */
export type Nfs3WorkProc = Exclude<Nfs3Proc, typeof Nfs3Proc.NULL>;

const methodOf: { readonly [P in Nfs3WorkProc]: keyof Nfs3Backend } = {
  [Nfs3Proc.GETATTR]: 'getattr',
  [Nfs3Proc.SETATTR]: 'setattr',
  [Nfs3Proc.LOOKUP]: 'lookup',
  [Nfs3Proc.ACCESS]: 'access',
  [Nfs3Proc.READLINK]: 'readlink',
  [Nfs3Proc.READ]: 'read',
  [Nfs3Proc.WRITE]: 'write',
  [Nfs3Proc.CREATE]: 'create',
  [Nfs3Proc.MKDIR]: 'mkdir',
  [Nfs3Proc.SYMLINK]: 'symlink',
  [Nfs3Proc.MKNOD]: 'mknod',
  [Nfs3Proc.REMOVE]: 'remove',
  [Nfs3Proc.RMDIR]: 'rmdir',
  [Nfs3Proc.RENAME]: 'rename',
  [Nfs3Proc.LINK]: 'link',
  [Nfs3Proc.READDIR]: 'readdir',
  [Nfs3Proc.READDIRPLUS]: 'readdirplus',
  [Nfs3Proc.FSSTAT]: 'fsstat',
  [Nfs3Proc.FSINFO]: 'fsinfo',
  [Nfs3Proc.PATHCONF]: 'pathconf',
  [Nfs3Proc.COMMIT]: 'commit',
};

type AnyBackendMethod = (args: unknown, caller?: BackendCaller) => Promise<unknown>;

/** Calls the backend method of procedure `proc` (the method's name is the procedure's). */
export function callBackend<P extends Nfs3WorkProc>(
  backend: Nfs3Backend,
  proc: P,
  args: Nfs3ProcTypes[P]['args'],
  caller: BackendCaller,
): Promise<Nfs3ProcTypes[P]['result']> {
  const method = backend[methodOf[proc]] as AnyBackendMethod;
  return method.call(backend, args, caller) as Promise<Nfs3ProcTypes[P]['result']>;
}

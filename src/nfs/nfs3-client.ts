import type { RpcCallOptions, RpcCaller } from '../rpc/index.js';
import { NFS_PROGRAM, NFS_V3, Nfs3Proc } from './constants.js';
import { nfs3Codecs } from './nfs3/codecs.js';
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
} from './types.js';

/**
 * A typed NFSv3 client over any RpcCaller. Each method is the RFC 1813 procedure of the
 * same name and resolves to the raw result union: an NFS failure status is a value to
 * inspect, not a throw. RPC-level failures (timeouts, denials, garbage replies) reject.
 */
export class Nfs3Client {
  constructor(private readonly caller: RpcCaller) {}

  private invoke<P extends Nfs3Proc>(
    proc: P,
    args: Nfs3ProcTypes[P]['args'],
    options: RpcCallOptions | undefined,
  ): Promise<Nfs3ProcTypes[P]['result']> {
    const codec = nfs3Codecs[proc];
    return this.caller.call(
      NFS_PROGRAM,
      NFS_V3,
      proc,
      (writer) => codec.encodeArgs(writer, args),
      (reader) => codec.decodeResult(reader),
      options,
    );
  }

  null(options?: RpcCallOptions): Promise<void> {
    return this.invoke(Nfs3Proc.NULL, undefined, options);
  }

  getattr(args: GetattrArgs, options?: RpcCallOptions): Promise<GetattrResult> {
    return this.invoke(Nfs3Proc.GETATTR, args, options);
  }

  setattr(args: SetattrArgs, options?: RpcCallOptions): Promise<SetattrResult> {
    return this.invoke(Nfs3Proc.SETATTR, args, options);
  }

  lookup(args: LookupArgs, options?: RpcCallOptions): Promise<LookupResult> {
    return this.invoke(Nfs3Proc.LOOKUP, args, options);
  }

  access(args: AccessArgs, options?: RpcCallOptions): Promise<AccessResult> {
    return this.invoke(Nfs3Proc.ACCESS, args, options);
  }

  readlink(args: ReadlinkArgs, options?: RpcCallOptions): Promise<ReadlinkResult> {
    return this.invoke(Nfs3Proc.READLINK, args, options);
  }

  read(args: ReadArgs, options?: RpcCallOptions): Promise<ReadResult> {
    return this.invoke(Nfs3Proc.READ, args, options);
  }

  write(args: WriteArgs, options?: RpcCallOptions): Promise<WriteResult> {
    return this.invoke(Nfs3Proc.WRITE, args, options);
  }

  create(args: CreateArgs, options?: RpcCallOptions): Promise<CreateResult> {
    return this.invoke(Nfs3Proc.CREATE, args, options);
  }

  mkdir(args: MkdirArgs, options?: RpcCallOptions): Promise<MkdirResult> {
    return this.invoke(Nfs3Proc.MKDIR, args, options);
  }

  symlink(args: SymlinkArgs, options?: RpcCallOptions): Promise<SymlinkResult> {
    return this.invoke(Nfs3Proc.SYMLINK, args, options);
  }

  mknod(args: MknodArgs, options?: RpcCallOptions): Promise<MknodResult> {
    return this.invoke(Nfs3Proc.MKNOD, args, options);
  }

  remove(args: RemoveArgs, options?: RpcCallOptions): Promise<RemoveResult> {
    return this.invoke(Nfs3Proc.REMOVE, args, options);
  }

  rmdir(args: RmdirArgs, options?: RpcCallOptions): Promise<RmdirResult> {
    return this.invoke(Nfs3Proc.RMDIR, args, options);
  }

  rename(args: RenameArgs, options?: RpcCallOptions): Promise<RenameResult> {
    return this.invoke(Nfs3Proc.RENAME, args, options);
  }

  link(args: LinkArgs, options?: RpcCallOptions): Promise<LinkResult> {
    return this.invoke(Nfs3Proc.LINK, args, options);
  }

  readdir(args: ReaddirArgs, options?: RpcCallOptions): Promise<ReaddirResult> {
    return this.invoke(Nfs3Proc.READDIR, args, options);
  }

  readdirplus(args: ReaddirplusArgs, options?: RpcCallOptions): Promise<ReaddirplusResult> {
    return this.invoke(Nfs3Proc.READDIRPLUS, args, options);
  }

  fsstat(args: FsstatArgs, options?: RpcCallOptions): Promise<FsstatResult> {
    return this.invoke(Nfs3Proc.FSSTAT, args, options);
  }

  fsinfo(args: FsinfoArgs, options?: RpcCallOptions): Promise<FsinfoResult> {
    return this.invoke(Nfs3Proc.FSINFO, args, options);
  }

  pathconf(args: PathconfArgs, options?: RpcCallOptions): Promise<PathconfResult> {
    return this.invoke(Nfs3Proc.PATHCONF, args, options);
  }

  commit(args: CommitArgs, options?: RpcCallOptions): Promise<CommitResult> {
    return this.invoke(Nfs3Proc.COMMIT, args, options);
  }
}

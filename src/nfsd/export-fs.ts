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
  MountResult,
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
import type { NfsCaller } from './caller.js';
import { ROOT_CALLER } from './caller.js';
import { ExportCore } from './export-core.js';
import type { ExportFsOptions } from './export-core.js';
import { mountResult } from './mount-path.js';
import { nfs3Procedures } from './procedures/table.js';
import type { Nfs3WorkProc } from './procedures/table.js';

/** What an export holds right now, for metrics and tests. */
export interface ExportFsStats {
  knownObjects: number;
  openFiles: number;
}

/**
 * One exported directory as NFSv3 operations, usable in-process: every method is the
 * RFC 1813 procedure of the same name (as on Nfs3Client) and resolves to its result
 * union, failures included. The RPC programs are a thin codec layer over this, and the
 * ROW-FS proxy can call it directly instead of over a socket. `caller` is whom the call
 * acts for (the AUTH_SYS identity); it defaults to root.
 */
export class ExportFs {
  private constructor(private readonly core: ExportCore) {}

  static async open(options: ExportFsOptions): Promise<ExportFs> {
    return new ExportFs(await ExportCore.create(options));
  }

  /** The exported directory's real absolute path: what MOUNT clients ask for. */
  get exportPath(): string {
    return this.core.exportPath;
  }

  get rootHandle(): Buffer {
    return this.core.rootHandle;
  }

  get readOnly(): boolean {
    return this.core.readOnly;
  }

  /** This boot's writeverf3. */
  get writeVerifier(): Buffer {
    return this.core.writeVerifier;
  }

  get stats(): ExportFsStats {
    return { knownObjects: this.core.table.size, openFiles: this.core.fds.size };
  }

  /** MOUNT's MNT for `dirpath` (the export path or a directory below it). */
  mount(dirpath: string): MountResult {
    return mountResult(this.core, dirpath);
  }

  /** Any procedure by number, for dispatchers. */
  call<P extends Nfs3WorkProc>(proc: P, args: Nfs3ProcTypes[P]['args'], caller: NfsCaller = ROOT_CALLER): Promise<Nfs3ProcTypes[P]['result']> {
    const procedure = nfs3Procedures[proc] as (core: ExportCore, args: Nfs3ProcTypes[P]['args'], caller: NfsCaller) => Promise<Nfs3ProcTypes[P]['result']>;
    return procedure(this.core, args, caller);
  }

  getattr(args: GetattrArgs, caller?: NfsCaller): Promise<GetattrResult> {
    return this.call(Nfs3Proc.GETATTR, args, caller);
  }

  setattr(args: SetattrArgs, caller?: NfsCaller): Promise<SetattrResult> {
    return this.call(Nfs3Proc.SETATTR, args, caller);
  }

  lookup(args: LookupArgs, caller?: NfsCaller): Promise<LookupResult> {
    return this.call(Nfs3Proc.LOOKUP, args, caller);
  }

  access(args: AccessArgs, caller?: NfsCaller): Promise<AccessResult> {
    return this.call(Nfs3Proc.ACCESS, args, caller);
  }

  readlink(args: ReadlinkArgs, caller?: NfsCaller): Promise<ReadlinkResult> {
    return this.call(Nfs3Proc.READLINK, args, caller);
  }

  read(args: ReadArgs, caller?: NfsCaller): Promise<ReadResult> {
    return this.call(Nfs3Proc.READ, args, caller);
  }

  write(args: WriteArgs, caller?: NfsCaller): Promise<WriteResult> {
    return this.call(Nfs3Proc.WRITE, args, caller);
  }

  create(args: CreateArgs, caller?: NfsCaller): Promise<CreateResult> {
    return this.call(Nfs3Proc.CREATE, args, caller);
  }

  mkdir(args: MkdirArgs, caller?: NfsCaller): Promise<MkdirResult> {
    return this.call(Nfs3Proc.MKDIR, args, caller);
  }

  symlink(args: SymlinkArgs, caller?: NfsCaller): Promise<SymlinkResult> {
    return this.call(Nfs3Proc.SYMLINK, args, caller);
  }

  mknod(args: MknodArgs, caller?: NfsCaller): Promise<MknodResult> {
    return this.call(Nfs3Proc.MKNOD, args, caller);
  }

  remove(args: RemoveArgs, caller?: NfsCaller): Promise<RemoveResult> {
    return this.call(Nfs3Proc.REMOVE, args, caller);
  }

  rmdir(args: RmdirArgs, caller?: NfsCaller): Promise<RmdirResult> {
    return this.call(Nfs3Proc.RMDIR, args, caller);
  }

  rename(args: RenameArgs, caller?: NfsCaller): Promise<RenameResult> {
    return this.call(Nfs3Proc.RENAME, args, caller);
  }

  link(args: LinkArgs, caller?: NfsCaller): Promise<LinkResult> {
    return this.call(Nfs3Proc.LINK, args, caller);
  }

  readdir(args: ReaddirArgs, caller?: NfsCaller): Promise<ReaddirResult> {
    return this.call(Nfs3Proc.READDIR, args, caller);
  }

  readdirplus(args: ReaddirplusArgs, caller?: NfsCaller): Promise<ReaddirplusResult> {
    return this.call(Nfs3Proc.READDIRPLUS, args, caller);
  }

  fsstat(args: FsstatArgs, caller?: NfsCaller): Promise<FsstatResult> {
    return this.call(Nfs3Proc.FSSTAT, args, caller);
  }

  fsinfo(args: FsinfoArgs, caller?: NfsCaller): Promise<FsinfoResult> {
    return this.call(Nfs3Proc.FSINFO, args, caller);
  }

  pathconf(args: PathconfArgs, caller?: NfsCaller): Promise<PathconfResult> {
    return this.call(Nfs3Proc.PATHCONF, args, caller);
  }

  commit(args: CommitArgs, caller?: NfsCaller): Promise<CommitResult> {
    return this.call(Nfs3Proc.COMMIT, args, caller);
  }

  /** Closes cached descriptors. Calls still running finish; later calls reopen as needed. */
  close(): void {
    this.core.close();
  }
}

import type { BigIntStats } from 'node:fs';
import { fstatSync } from 'node:fs';
import { NfsStatusError, Nfsstat3 } from '../../nfs/index.js';
import type { Nfs3Result, WccData } from '../../nfs/index.js';
import { toWccAttr } from '../attributes.js';
import type { ExportCore } from '../export-core.js';
import type { NodeEntry } from '../node-table.js';
import type { OkResult } from './procedure.js';

/** One procedure that works on a regular file through its descriptor (WRITE, COMMIT). */
export interface FileUpdate<Args extends { file: Buffer }, Ok> {
  /** The descriptor must be open for writing (WRITE; COMMIT only syncs). */
  readonly wantWrite: boolean;
  /** Refuses bad arguments by throwing: after the read-only test, before the file is opened. */
  check(args: Args): void;
  /** The work, between the two fstat calls file_wcc comes from; may refuse on `before`. */
  run(fd: number, before: BigIntStats, args: Args): Promise<void>;
  /** The success result around file_wcc. */
  ok(core: ExportCore, args: Args, fileWcc: WccData): OkResult<Ok>;
}

function fileWcc(core: ExportCore, entry: NodeEntry | undefined, before: BigIntStats | undefined, after: BigIntStats | undefined): WccData {
  return {
    before: before === undefined ? undefined : toWccAttr(before),
    after: entry === undefined || after === undefined ? undefined : core.fattrOf(entry, after),
  };
}

/**
 * What WRITE and COMMIT share (RFC 1813 sections 3.3.7 and 3.3.21). A read-only export
 * answers ROFS with the file's current attributes in file_wcc, as the Linux server does;
 * otherwise the file is opened through the descriptor cache and `run` goes between two
 * fstat calls. On failure file_wcc holds whatever attributes were known by then.
 */
export async function updateFile<Args extends { file: Buffer }, Ok>(
  core: ExportCore,
  args: Args,
  update: FileUpdate<Args, Ok>,
): Promise<Nfs3Result<Ok, { fileWcc: WccData }>> {
  let entry: NodeEntry | undefined;
  let before: BigIntStats | undefined;
  let after: BigIntStats | undefined;
  try {
    if (core.readOnly) {
      const node = await core.resolve(args.file);
      entry = node.entry;
      before = after = node.stats;
      throw new NfsStatusError(Nfsstat3.NFS3ERR_ROFS);
    }
    update.check(args);
    const opened = await core.openFile(args.file, update.wantWrite);
    entry = opened.entry;
    const fd = opened.file.fd;
    try {
      before = fstatSync(fd, { bigint: true });
      await update.run(fd, before, args);
      after = fstatSync(fd, { bigint: true });
    } finally {
      core.fds.release(opened.file);
    }
    return update.ok(core, args, fileWcc(core, entry, before, after));
  } catch (error) {
    return { status: core.statusOf(error), fileWcc: fileWcc(core, entry, before, after) };
  }
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Mountstat3,
  NfsStatusError,
  Nfsstat3,
  errnoToNfsstat3,
  mountstatName,
  nfsstat3ToErrno,
  nfsstatName,
} from '../../src/nfs/index.js';

test('fs error codes map to NFSv3 statuses, unknown ones to IO', () => {
  const expected: Record<string, number> = {
    ENOENT: Nfsstat3.NFS3ERR_NOENT,
    EACCES: Nfsstat3.NFS3ERR_ACCES,
    EPERM: Nfsstat3.NFS3ERR_PERM,
    EEXIST: Nfsstat3.NFS3ERR_EXIST,
    ENOTDIR: Nfsstat3.NFS3ERR_NOTDIR,
    EISDIR: Nfsstat3.NFS3ERR_ISDIR,
    EINVAL: Nfsstat3.NFS3ERR_INVAL,
    EFBIG: Nfsstat3.NFS3ERR_FBIG,
    ENOSPC: Nfsstat3.NFS3ERR_NOSPC,
    EROFS: Nfsstat3.NFS3ERR_ROFS,
    EMLINK: Nfsstat3.NFS3ERR_MLINK,
    ENAMETOOLONG: Nfsstat3.NFS3ERR_NAMETOOLONG,
    ENOTEMPTY: Nfsstat3.NFS3ERR_NOTEMPTY,
    EDQUOT: Nfsstat3.NFS3ERR_DQUOT,
    ESTALE: Nfsstat3.NFS3ERR_STALE,
    EXDEV: Nfsstat3.NFS3ERR_XDEV,
    ELOOP: Nfsstat3.NFS3ERR_INVAL,
    EAGAIN: Nfsstat3.NFS3ERR_JUKEBOX,
    EIO: Nfsstat3.NFS3ERR_IO,
    EWHATEVER: Nfsstat3.NFS3ERR_IO,
  };
  for (const [code, status] of Object.entries(expected)) assert.equal(errnoToNfsstat3(code), status, code);
  assert.equal(errnoToNfsstat3(undefined), Nfsstat3.NFS3ERR_IO);
  assert.equal(errnoToNfsstat3('toString'), Nfsstat3.NFS3ERR_IO, 'no prototype keys leak through');
});

test('statuses map back to errno names', () => {
  assert.equal(nfsstat3ToErrno(Nfsstat3.NFS3ERR_NOENT), 'ENOENT');
  assert.equal(nfsstat3ToErrno(Nfsstat3.NFS3ERR_BADHANDLE), 'ESTALE');
  assert.equal(nfsstat3ToErrno(Nfsstat3.NFS3ERR_SERVERFAULT), 'EIO');
});

test('status names and NfsStatusError', () => {
  assert.equal(nfsstatName(Nfsstat3.NFS3ERR_JUKEBOX), 'NFS3ERR_JUKEBOX');
  assert.equal(nfsstatName(3), 'nfsstat3(3)');
  assert.equal(mountstatName(Mountstat3.MNT3ERR_ACCES), 'MNT3ERR_ACCES');
  const cause = new Error('ENOENT: no such file');
  const error = new NfsStatusError(Nfsstat3.NFS3ERR_NOENT, undefined, { cause });
  assert.ok(error instanceof Error);
  assert.equal(error.status, Nfsstat3.NFS3ERR_NOENT);
  assert.equal(error.message, 'NFS3ERR_NOENT');
  assert.equal(error.name, 'NfsStatusError');
  assert.equal(error.cause, cause);
  assert.equal(new NfsStatusError(Nfsstat3.NFS3ERR_IO, 'disk gone').message, 'disk gone');
});

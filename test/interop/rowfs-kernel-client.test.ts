/**
 * Issue 3 end to end with unmodified peers: nfs-ganesha exports an image tree READ-ONLY as
 * the main server, `row proxy` (embedded shadow) sits in front of it, and the Linux kernel
 * client in a TCG guest mounts the proxy. Boot 1 runs the POSIX workload and modifies main
 * files (partial write, remove, rename of a directory with children); then the proxy is
 * SIGKILLed and restarted, and boot 2 (same client address = same session) finds every
 * change. The main tree is byte-identical throughout, and a host client's old handles
 * survive the kill.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGanesha } from '../helpers/ganesha.js';
import type { CpioEntry } from '../helpers/cpio-newc.js';
import { runGuest } from '../helpers/guest.js';
import { makeImageTree } from '../helpers/image-tree.js';
import { posixResultNames, posixWorkload } from '../helpers/posix-workload.js';
import { startRowServer, type RowServerProcess } from '../helpers/row-process.js';
import { treeDigest } from '../helpers/tree-digest.js';

const PATCH_OFFSET = 5000;
const PATCH = 'ROWBOOT-PATCH';

function modifyScript(bigSha: string): string {
  return `. /lib/rb.sh
m=$1
rb_check main.read sh -c '[ "$(sha256sum $0/usr/lib/big.bin | cut -d" " -f1)" = "${bigSha}" ]' "$m"
rb_check main.hostname sh -c '[ "$(cat $0/etc/hostname)" = rowboot-image ]' "$m"
rb_check row.patch sh -c 'printf ${PATCH} | dd of=$0/usr/lib/big.bin bs=1 seek=${PATCH_OFFSET} conv=notrunc 2>/dev/null' "$m"
rb_check row.remove rm "$m/etc/motd"
rb_check row.rename mv "$m/usr/lib/deep" "$m/usr/lib/moved"
rb_check row.create sh -c 'mkdir -p $0/home/user && echo hello > $0/home/user/note' "$m"
rb_check row.recreate sh -c 'echo again > $0/etc/motd' "$m"
`;
}

function verifyScript(patchedSha: string): string {
  return `. /lib/rb.sh
m=$1
rb_check boot2.patch sh -c '[ "$(sha256sum $0/usr/lib/big.bin | cut -d" " -f1)" = "${patchedSha}" ]' "$m"
rb_check boot2.recreated sh -c '[ "$(cat $0/etc/motd)" = again ]' "$m"
rb_check boot2.renamed sh -c '[ "$(cat $0/usr/lib/moved/one.txt)" = one ] && [ ! -e $0/usr/lib/deep ]' "$m"
rb_check boot2.created sh -c '[ "$(cat $0/home/user/note)" = hello ]' "$m"
rb_check boot2.posix sh -c '[ -f $0/posix/data.bin ]' "$m"
`;
}

test('kernel client through row proxy over read-only ganesha: changes survive kill -9', { timeout: 600_000 }, async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'rowboot-rowfs-kernel-'));
  const mainDir = join(scratch, 'main');
  mkdirSync(mainDir);
  const image = makeImageTree(mainDir);
  const mainBefore = treeDigest(mainDir);
  const ganesha = await startGanesha({ exportDir: mainDir, readOnly: true });
  const netns = ganesha.netns;
  const proxyArgs = (port: number) => [
    'proxy', '--main', `${ganesha.host}:${ganesha.nfsPort}:${ganesha.exportPath}`,
    '--listen', `${netns.nsAddress}:${port}`, '--state', join(scratch, 'state'), '--shadow-dir', join(scratch, 'shadow'),
  ];
  const prefix = ['ip', 'netns', 'exec', netns.name];
  let proxy: RowServerProcess | undefined;
  try {
    proxy = await startRowServer(proxyArgs(0), netns.nsAddress, prefix);
    const port = proxy.port;
    const guest = (workload: string, files: CpioEntry[] = []) =>
      runGuest({
        files,
        netns,
        serverAddress: netns.nsAddress,
        guestAddress: netns.guestAddress(0),
        nfs: { path: ganesha.exportPath, port, mountPort: port },
        workload,
        timeoutMs: 240_000,
      });

    const bigSha = image.files.get('usr/lib/big.bin') ?? '';
    // The POSIX workload, then the main-tree modifications from /modify.sh.
    const first = await guest('sh /posix.sh "$1"; failed=$?; sh /modify.sh "$1"; exit $failed\n', [
      { path: 'posix.sh', data: await posixWorkload() },
      { path: 'modify.sh', data: modifyScript(bigSha) },
    ]);
    t.diagnostic(`boot 1: mounted at ${first.mountedMs?.toFixed(0)} ms, done at ${first.durationMs.toFixed(0)} ms`);
    const failed = first.resultList.filter((r) => !r.ok);
    assert.deepEqual(failed, [], `boot 1 failures; console:\n${first.console}`);
    for (const name of [...posixResultNames, 'main.read', 'row.patch', 'row.remove', 'row.rename', 'row.create', 'row.recreate']) {
      assert.ok(first.results.get(name)?.ok, `missing ${name}; console:\n${first.console}`);
    }
    assert.equal(treeDigest(mainDir), mainBefore, 'the main tree is unchanged after boot 1');

    await proxy.kill();
    proxy = await startRowServer(proxyArgs(port), netns.nsAddress, prefix);

    const patched = Buffer.from(readFileSync(join(mainDir, 'usr/lib/big.bin')));
    patched.write(PATCH, PATCH_OFFSET);
    const patchedSha = createHash('sha256').update(patched).digest('hex');
    const second = await guest(verifyScript(patchedSha));
    const failed2 = second.resultList.filter((r) => !r.ok);
    assert.deepEqual(failed2, [], `boot 2 failures; console:\n${second.console}`);
    for (const name of ['boot2.patch', 'boot2.recreated', 'boot2.renamed', 'boot2.created', 'boot2.posix']) {
      assert.ok(second.results.get(name)?.ok, `missing ${name}; console:\n${second.console}`);
    }
    assert.equal(treeDigest(mainDir), mainBefore, 'the main tree is unchanged after boot 2');
  } finally {
    await proxy?.stop();
    await ganesha.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
});

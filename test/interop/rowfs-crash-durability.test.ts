/**
 * Issue 3, crash durability: a writer in the guest does FILE_SYNC writes (mount option
 * `sync`) of known 4 KiB blocks through `row proxy` while the host SIGKILLs the proxy at
 * random moments, at least 20 times, restarting it each time on the same port. After the
 * writes, the guest drops its caches and reads every block back: each acknowledged write
 * must be intact (the proxy acknowledges a stable WRITE only once the shadow data and the
 * presence bitmap are durable).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGanesha } from '../helpers/ganesha.js';
import { runGuest } from '../helpers/guest.js';
import { makeImageTree } from '../helpers/image-tree.js';
import { startRowServer, type RowServerProcess } from '../helpers/row-process.js';
import { treeDigest } from '../helpers/tree-digest.js';

const BLOCKS = 320;
const MIN_KILLS = 20;

const writer = `. /lib/rb.sh
m=$1
f=$m/var/log/durable.bin
: > "$f" || exit 1
i=0
while [ $i -lt ${BLOCKS} ]; do
	yes "block-$i" | head -c 4096 > /tmp/b
	dd if=/tmp/b of="$f" bs=4096 seek=$i count=1 conv=notrunc 2>/dev/null || { rb_result durable.write fail "block $i"; exit 1; }
	echo "RB-ACK $i"
	i=$((i + 1))
done
sync
echo 3 > /proc/sys/vm/drop_caches
bad=0
i=0
while [ $i -lt ${BLOCKS} ]; do
	yes "block-$i" | head -c 4096 > /tmp/b
	dd if="$f" of=/tmp/r bs=4096 skip=$i count=1 2>/dev/null
	cmp -s /tmp/b /tmp/r || { bad=$((bad + 1)); echo "bad block $i"; }
	i=$((i + 1))
done
[ $bad -eq 0 ] && rb_result durable.verify ok "blocks=${BLOCKS}" || rb_result durable.verify fail "bad=$bad"
`;

test('every acknowledged FILE_SYNC write survives 20+ SIGKILLs of the proxy', { timeout: 900_000 }, async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'rowboot-crash-'));
  const mainDir = join(scratch, 'main');
  mkdirSync(mainDir);
  makeImageTree(mainDir);
  const mainBefore = treeDigest(mainDir);
  const ganesha = await startGanesha({ exportDir: mainDir, readOnly: true });
  const netns = ganesha.netns;
  const prefix = ['ip', 'netns', 'exec', netns.name];
  const proxyArgs = (port: number) => [
    'proxy', '--main', `${ganesha.host}:${ganesha.nfsPort}:${ganesha.exportPath}`,
    '--listen', `${netns.nsAddress}:${port}`, '--state', join(scratch, 'state'), '--shadow-dir', join(scratch, 'shadow'),
  ];
  let proxy: RowServerProcess | undefined = await startRowServer(proxyArgs(0), netns.nsAddress, prefix);
  const port = proxy.port;
  let kills = 0;
  let acks = 0;
  let nextKillAt = 5 + Math.floor(Math.random() * 10);
  let restarting: Promise<void> = Promise.resolve();
  const killAndRestart = async () => {
    // A random moment: somewhere inside the next write, not just on an acknowledgement.
    await new Promise((done) => setTimeout(done, Math.random() * 40));
    await proxy?.kill();
    kills++;
    // A restart that fails would leave the guest blocked until its deadline: try again a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        proxy = await startRowServer(proxyArgs(port), netns.nsAddress, prefix);
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
        await new Promise((done) => setTimeout(done, 500));
      }
    }
  };
  try {
    const guest = await runGuest({
      netns,
      serverAddress: netns.nsAddress,
      guestAddress: netns.guestAddress(1),
      nfs: { path: ganesha.exportPath, port, mountPort: port, options: ['sync'] },
      workload: writer,
      timeoutMs: 840_000,
      onConsoleLine: (line) => {
        if (!line.startsWith('RB-ACK ')) return;
        acks++;
        if (acks >= nextKillAt && acks < BLOCKS - 10) {
          nextKillAt = acks + 4 + Math.floor(Math.random() * 8);
          restarting = restarting.then(killAndRestart);
        }
      },
    });
    await restarting;
    t.diagnostic(`${kills} SIGKILLs during ${acks} acknowledged writes; guest ran ${(guest.durationMs / 1000).toFixed(0)} s`);
    assert.ok(kills >= MIN_KILLS, `only ${kills} kills`);
    assert.equal(acks, BLOCKS);
    assert.ok(guest.results.get('durable.verify')?.ok, `verify failed; console:\n${guest.console.slice(-4000)}`);
    assert.equal(treeDigest(mainDir), mainBefore, 'the main tree is unchanged');
  } finally {
    await restarting.catch(() => undefined);
    await proxy?.stop();
    await ganesha.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
});

/**
 * Proves the guest harness's network path to the test process and its failure paths: a mount
 * that cannot succeed is reported as an RB-RESULT fail line (the run still ends with RB-DONE),
 * and a guest that overruns its time limit is killed by PID with its tap removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { run } from '../helpers/command.js';
import { GuestError, runGuest } from '../helpers/guest.js';
import { withNetns } from '../helpers/netns.js';

const noServerPort = 21999;

test('a guest reaches a server in the test process at ns.hostAddress', { timeout: 180_000 }, async (t) => {
  await withNetns(async (ns) => {
    const received: string[] = [];
    const server = createServer((socket) => {
      socket.setEncoding('utf8');
      socket.on('data', (data: string) => {
        received.push(data);
        if (data.includes('\n')) socket.end('pong\n');
      });
    });
    server.listen(0, ns.hostAddress);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const guest = await runGuest({
        netns: ns,
        guestAddress: ns.guestAddress(2),
        workload: `. /lib/rb.sh\nrb_check reply sh -c 'echo ping | nc -w 10 ${ns.hostAddress} ${port}'\n`,
        timeoutMs: 150_000,
      });
      t.diagnostic(`network-only guest powered off after ${guest.durationMs.toFixed(0)} ms`);
      assert.deepEqual(guest.results.get('reply'), { ok: true, detail: 'pong' }, guest.console);
      assert.equal(guest.results.has('mount'), false);
      assert.equal(received.join(''), 'ping\n');
    } finally {
      server.close();
    }
  });
});

test('a refused mount is an RB-RESULT fail line, not a hang', { timeout: 180_000 }, async (t) => {
  await withNetns(async (ns) => {
    const guest = await runGuest({
      netns: ns,
      serverAddress: ns.nsAddress,
      guestAddress: ns.guestAddress(0),
      nfs: { path: '/nothing', port: noServerPort, mountPort: noServerPort },
      workload: 'echo "RB-RESULT never-runs fail"\n',
      timeoutMs: 150_000,
    });
    t.diagnostic(`refused mount reported after ${guest.durationMs.toFixed(0)} ms`);
    assert.equal(guest.results.get('modules')?.ok, true, guest.console);
    assert.equal(guest.results.get('network')?.ok, true, guest.console);
    const mount = guest.results.get('mount');
    assert.equal(mount?.ok, false, guest.console);
    assert.equal(guest.results.has('never-runs'), false);
  });
});

test('a guest that overruns its limit is killed and its tap removed', { timeout: 60_000 }, async () => {
  await withNetns(async (ns) => {
    const started = performance.now();
    await assert.rejects(
      runGuest({
        netns: ns,
        serverAddress: ns.nsAddress,
        guestAddress: ns.guestAddress(1),
        nfs: { path: '/nothing', port: noServerPort, mountPort: noServerPort },
        workload: '',
        timeoutMs: 1500,
      }),
      (error: unknown) => {
        assert.ok(error instanceof GuestError);
        assert.match(error.message, /timed out after 1500 ms/);
        return true;
      },
    );
    assert.ok(performance.now() - started < 15_000);
    const { text: links } = await run('ip', ['-n', ns.name, '-o', 'link', 'show']);
    assert.doesNotMatch(links, /rbtap/);
    const { text: pids } = await run('ip', ['netns', 'pids', ns.name]);
    assert.equal(pids.trim(), '', 'no QEMU left in the namespace');
  });
});

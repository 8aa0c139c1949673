/**
 * The router advertiser (radvd) against a real soliciting host (rdisc6 from ndisc6): the
 * answer comes at once and carries M=0, O=0, router lifetime 0, no prefix and the source
 * link-layer address (rdisc6, like any host, accepts only hop limit 255 RAs: RFC 4861 6.1.2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRouterAdvertiser } from '../../src/boot/dhcp/index.js';
import { isAlive, sleep } from '../helpers/command.js';
import type { Netns } from '../helpers/netns.js';
import { createDhcpLab } from './dhcp-harness.js';

/** Waits until the interface has a link-local address that finished duplicate address detection. */
async function linkLocalReady(ns: Netns, iface: string): Promise<void> {
  const deadline = performance.now() + 15_000;
  for (;;) {
    const { text } = await ns.exec('ip', ['-6', '-o', 'addr', 'show', 'dev', iface, 'scope', 'link']);
    if (/inet6 fe80::/.test(text) && !/tentative/.test(text)) return;
    if (performance.now() > deadline) throw new Error(`no usable link-local address on ${iface}: ${text}`);
    await sleep(100);
  }
}

test('Router Solicitations on the host-only link get a minimal RA at once', { timeout: 60_000 }, async () => {
  const lab = await createDhcpLab();
  try {
    const iface = await lab.addClientLink();
    // Both ends need a link-local address past duplicate address detection (about 1 s).
    await linkLocalReady(lab.clients, iface);
    await linkLocalReady(lab.server, lab.hostOnly);
    const advertiser = await startRouterAdvertiser({ interface: lab.hostOnly, netns: lab.server.name });
    try {
      const started = performance.now();
      const { text } = await lab.clients.exec('rdisc6', ['-1', '-w', '3000', iface], { timeoutMs: 10_000 });
      const elapsedMs = performance.now() - started;
      assert.match(text, /Stateful address conf\.\s*:\s*No/);
      assert.match(text, /Stateful other conf\.\s*:\s*No/);
      assert.match(text, /Router lifetime\s*:\s*0 \(0x00000000\) seconds/);
      assert.match(text, /Source link-layer address:\s*[0-9A-F]{2}(:[0-9A-F]{2}){5}/i);
      assert.match(text, /from fe80::/);
      assert.doesNotMatch(text, /Prefix/);
      assert.ok(elapsedMs < 1500, `answered in ${elapsedMs.toFixed(0)} ms`);
    } finally {
      await advertiser.stop();
    }
    assert.equal(isAlive(advertiser.pid), false, 'radvd stopped');
  } finally {
    await lab.destroy();
  }
});

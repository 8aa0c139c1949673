/**
 * "It must never answer on the uplink": the server socket hears every interface (0.0.0.0:67),
 * so the nftables guard keeps DHCP to the host-only link. A DISCOVER from a client on a second
 * interface reaches the server without the guard (the control) and gets no answer with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { installDhcpGuard } from '../../src/boot/dhcp/index.js';
import { createDhcpLab, startDhcpChild, startUdhcpc, UPLINK_CLIENT, writeUdhcpcScript } from './dhcp-harness.js';

test('a DISCOVER arriving on the uplink gets no answer once the guard is installed', { timeout: 120_000 }, async () => {
  const lab = await createDhcpLab();
  try {
    const script = writeUdhcpcScript(lab.workDir);
    await lab.addUplink();
    const hostOnlyClient = await lab.addClientLink();
    const server = await startDhcpChild(lab.server, {
      serverAddress: lab.serverAddress,
      range: { from: `${lab.subnetPrefix}100`, to: `${lab.subnetPrefix}110` },
    });
    try {
      // Control: without the guard the server hears the uplink client.
      const unguarded = startUdhcpc(lab.clients, UPLINK_CLIENT, script, ['-n', '-t', '2']);
      await unguarded.exited;
      const heard = await server.snapshot();
      assert.ok(heard.stats.discovers >= 1, 'without the guard the uplink DISCOVER reaches the server');
      await unguarded.stop();

      const guard = await installDhcpGuard({ interface: lab.hostOnly, netns: lab.server.name });
      try {
        const before = await server.snapshot();
        const uplink = startUdhcpc(lab.clients, UPLINK_CLIENT, script, ['-n', '-t', '3']);
        const code = await uplink.exited;
        await uplink.stop();
        assert.equal(code, 1, `udhcpc on the uplink must fail to get a lease:\n${uplink.output()}`);
        assert.equal(uplink.events.lines.filter((event) => event.kind === 'bound').length, 0);
        const after = await server.snapshot();
        assert.equal(after.stats.received, before.stats.received, 'nothing from the uplink reached the server');

        // The host-only link is still served with the guard in place.
        const good = startUdhcpc(lab.clients, hostOnlyClient, script, ['-q', '-n']);
        try {
          const bound = await good.events.waitFor((event) => event.kind === 'bound', 15_000, 'host-only bound');
          assert.equal(bound.env.ip?.startsWith(lab.subnetPrefix), true);
        } finally {
          await good.stop();
        }
      } finally {
        await guard.remove();
      }
      const { text } = await lab.server.exec('nft', ['list', 'tables']);
      assert.doesNotMatch(text, /rowboot_dhcp_guard/);
    } finally {
      await server.stop();
    }
  } finally {
    await lab.destroy();
  }
});

/**
 * The DHCP server against a real DHCP client (busybox udhcpc) in private namespaces: lease,
 * renew, release, persistence across a restart, static leases, NAK, iPXE-style options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DhcpLab } from './dhcp-harness.js';
import { createDhcpLab, interfaceAddresses, startDhcpChild, startUdhcpc, writeUdhcpcScript } from './dhcp-harness.js';

const eventTimeoutMs = 15_000;

async function withLab(fn: (lab: DhcpLab, script: string) => Promise<void>): Promise<void> {
  const lab = await createDhcpLab();
  try {
    await fn(lab, writeUdhcpcScript(lab.workDir));
  } finally {
    await lab.destroy();
  }
}

test('udhcpc gets an address with boot options, renews, and releases', { timeout: 120_000 }, async () => {
  await withLab(async (lab, script) => {
    const leaseFile = join(lab.workDir, 'leases.json');
    const server = await startDhcpChild(lab.server, {
      serverAddress: lab.serverAddress,
      range: { from: `${lab.subnetPrefix}100`, to: `${lab.subnetPrefix}110` },
      leaseFile,
      rootPath: '/main/export/tiny',
    });
    const iface = await lab.addClientLink('52:54:00:12:34:56');
    const client = startUdhcpc(lab.clients, iface, script, ['-O', '17']);
    try {
      const bound = await client.events.waitFor((event) => event.kind === 'bound', eventTimeoutMs, 'bound');
      assert.equal(bound.env.ip, `${lab.subnetPrefix}100`);
      assert.equal(bound.env.serverid, lab.serverAddress);
      assert.equal(bound.env.lease, '3600');
      assert.equal(bound.env.subnet, '255.255.255.0');
      assert.equal(bound.env.siaddr, undefined, 'a plain DHCP client (no option 93) gets no boot file');
      assert.equal(bound.env.bootfile, undefined);
      assert.equal(bound.env.rootpath, '/main/export/tiny');
      assert.equal(bound.env.router, undefined, 'no router unless configured');
      assert.equal(bound.env.dns, undefined, 'no DNS unless configured');
      assert.deepEqual(await interfaceAddresses(lab.clients, iface), [`${lab.subnetPrefix}100`]);

      // Renew: a unicast REQUEST with ciaddr (RENEWING) is ACKed with the same address.
      const before = await server.snapshot();
      client.renew();
      const renewed = await client.events.waitFor((event) => event.kind === 'renew', eventTimeoutMs, 'renew');
      assert.equal(renewed.env.ip, `${lab.subnetPrefix}100`);
      const afterRenew = await server.snapshot();
      assert.equal(afterRenew.stats.acks, before.stats.acks + 1);
      assert.equal(afterRenew.stats.discovers, before.stats.discovers, 'a renewal is not a new DISCOVER');

      const persisted = JSON.parse(readFileSync(leaseFile, 'utf8')) as { leases: { mac: string; address: string; boundUntil: number }[] };
      assert.deepEqual(persisted.leases.map((lease) => [lease.mac, lease.address]), [['52:54:00:12:34:56', `${lab.subnetPrefix}100`]]);
      assert.ok((persisted.leases[0]?.boundUntil ?? 0) > Date.now());

      // Release: the server marks the lease free; the client drops its address.
      const mark = client.events.lines.length;
      client.release();
      await server.events.waitFor((event) => event.event === 'lease' && event.type === 'released', eventTimeoutMs, 'release');
      await client.events.waitFor((event) => event.kind === 'deconfig', eventTimeoutMs, 'deconfig', mark);
      const afterRelease = await server.snapshot();
      assert.equal(afterRelease.stats.releases, 1);
      assert.equal(afterRelease.leases[0]?.state, 'free');
      assert.deepEqual(await interfaceAddresses(lab.clients, iface), []);
      assert.equal(afterRelease.stats.garbage, 0);
    } finally {
      await client.stop();
      await server.stop();
    }
  });
});

test('a restarted server gives every client its previous address (lease file)', { timeout: 120_000 }, async () => {
  await withLab(async (lab, script) => {
    const config = {
      serverAddress: lab.serverAddress,
      range: { from: `${lab.subnetPrefix}100`, to: `${lab.subnetPrefix}110` },
      leaseFile: join(lab.workDir, 'leases.json'),
    };
    const first = await startDhcpChild(lab.server, config);
    const ifaceB = await lab.addClientLink('52:54:00:00:00:0b');
    const ifaceA = await lab.addClientLink('52:54:00:00:00:0a');
    // -q: exit once bound, without releasing; the lease stays bound on the server.
    const runOnce = async (iface: string): Promise<string | undefined> => {
      const client = startUdhcpc(lab.clients, iface, script, ['-q', '-n', '-t', '5']);
      try {
        const bound = await client.events.waitFor((event) => event.kind === 'bound', eventTimeoutMs, `bound on ${iface}`);
        assert.equal(await client.exited, 0);
        return bound.env.ip;
      } finally {
        await client.stop();
      }
    };
    try {
      assert.equal(await runOnce(ifaceB), `${lab.subnetPrefix}100`);
      assert.equal(await runOnce(ifaceA), `${lab.subnetPrefix}101`);
    } finally {
      await first.stop();
    }
    const second = await startDhcpChild(lab.server, config);
    try {
      // A asks first this time: without the lease file it would get .100.
      assert.equal(await runOnce(ifaceA), `${lab.subnetPrefix}101`);
      assert.equal(await runOnce(ifaceB), `${lab.subnetPrefix}100`);
      const { leases } = await second.snapshot();
      assert.deepEqual(
        leases.map((lease) => [lease.mac, lease.address, lease.state]),
        [
          ['52:54:00:00:00:0b', `${lab.subnetPrefix}100`, 'bound'],
          ['52:54:00:00:00:0a', `${lab.subnetPrefix}101`, 'bound'],
        ],
      );
    } finally {
      await second.stop();
    }
  });
});

test('a static lease by MAC, outside the range, with its host name', { timeout: 120_000 }, async () => {
  await withLab(async (lab, script) => {
    const server = await startDhcpChild(lab.server, {
      serverAddress: lab.serverAddress,
      range: { from: `${lab.subnetPrefix}100`, to: `${lab.subnetPrefix}110` },
      staticLeases: [{ mac: '52:54:00:AA:00:01', address: `${lab.subnetPrefix}200`, hostName: 'diskless1' }],
    });
    const pinned = await lab.addClientLink('52:54:00:aa:00:01');
    const other = await lab.addClientLink('52:54:00:aa:00:02');
    const a = startUdhcpc(lab.clients, pinned, script, ['-q', '-n']);
    const b = startUdhcpc(lab.clients, other, script, ['-q', '-n', '-r', `${lab.subnetPrefix}200`]);
    try {
      const boundA = await a.events.waitFor((event) => event.kind === 'bound', eventTimeoutMs, 'static bound');
      assert.equal(boundA.env.ip, `${lab.subnetPrefix}200`);
      assert.equal(boundA.env.hostname, 'diskless1');
      // Another client asking for the static address gets a dynamic one instead.
      const boundB = await b.events.waitFor((event) => event.kind === 'bound', eventTimeoutMs, 'dynamic bound');
      assert.equal(boundB.env.ip, `${lab.subnetPrefix}100`);
    } finally {
      await a.stop();
      await b.stop();
      await server.stop();
    }
  });
});

test('a REQUEST for an address the server cannot give is NAKed, and the client starts over', { timeout: 120_000 }, async () => {
  await withLab(async (lab, script) => {
    const leaseFile = join(lab.workDir, 'leases.json');
    const first = await startDhcpChild(lab.server, {
      serverAddress: lab.serverAddress,
      range: { from: `${lab.subnetPrefix}100`, to: `${lab.subnetPrefix}110` },
      leaseFile,
    });
    const iface = await lab.addClientLink();
    const client = startUdhcpc(lab.clients, iface, script);
    try {
      const bound = await client.events.waitFor((event) => event.kind === 'bound', eventTimeoutMs, 'bound');
      assert.equal(bound.env.ip, `${lab.subnetPrefix}100`);
      await first.stop();
      // The pool moved: the client's address is no longer ours to give.
      const second = await startDhcpChild(lab.server, {
        serverAddress: lab.serverAddress,
        range: { from: `${lab.subnetPrefix}120`, to: `${lab.subnetPrefix}130` },
        leaseFile,
      });
      try {
        const mark = client.events.lines.length;
        client.renew();
        const nak = await client.events.waitFor((event) => event.kind === 'nak', eventTimeoutMs, 'nak', mark);
        assert.equal(nak.env.message, 'requested address is not available');
        const rebound = await client.events.waitFor((event) => event.kind === 'bound', eventTimeoutMs, 'bound again', mark);
        assert.equal(rebound.env.ip, `${lab.subnetPrefix}120`);
        const { stats } = await second.snapshot();
        assert.equal(stats.naks, 1);
      } finally {
        await second.stop();
      }
    } finally {
      await client.stop();
    }
  });
});

test('PXE clients get the boot file for their architecture and iPXE gets 175/176', { timeout: 120_000 }, async () => {
  await withLab(async (lab, script) => {
    const server = await startDhcpChild(lab.server, {
      serverAddress: lab.serverAddress,
      range: { from: `${lab.subnetPrefix}100`, to: `${lab.subnetPrefix}110` },
    });
    const ask = async (extra: string[]): Promise<Record<string, string>> => {
      const iface = await lab.addClientLink();
      const client = startUdhcpc(lab.clients, iface, script, ['-q', '-n', '-O', '175', '-O', '66', '-O', '67', ...extra]);
      try {
        return (await client.events.waitFor((event) => event.kind === 'bound', eventTimeoutMs, 'bound')).env;
      } finally {
        await client.stop();
      }
    };
    try {
      // iPXE on BIOS: user class "iPXE" (bare, as iPXE sends it), architecture 0.
      const ipxe = await ask(['-x', '0x4d:69505845', '-x', '0x5d:0000', '-V', 'PXEClient:Arch:00000:UNDI:002001']);
      assert.equal(ipxe.siaddr, lab.serverAddress);
      assert.equal(ipxe.boot_file, 'pxelinux.0');
      assert.equal(ipxe.bootfile, 'pxelinux.0');
      assert.equal(ipxe.tftp, lab.serverAddress);
      assert.equal(ipxe.opt175, 'b00101ff');
      // UEFI firmware without iPXE: chainload iPXE; no 175.
      const uefi = await ask(['-x', '0x5d:0007', '-V', 'PXEClient:Arch:00007:UNDI:003016']);
      assert.equal(uefi.bootfile, 'ipxe.efi');
      assert.equal(uefi.opt175, undefined);
      // ... and once iPXE runs there, a script, so the chainload ends.
      const uefiIpxe = await ask(['-x', '0x4d:69505845', '-x', '0x5d:0007']);
      assert.equal(uefiIpxe.bootfile, 'boot.ipxe');
      assert.equal(uefiIpxe.opt175, 'b00101ff');
    } finally {
      await server.stop();
    }
  });
});

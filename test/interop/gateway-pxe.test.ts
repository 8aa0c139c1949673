/**
 * Issue 4, end to end: a diskless QEMU VM PXE-boots through `row gateway` (one process: our
 * DHCP, our TFTP with a generated pxelinux.cfg/01-<mac>, portmap on 111, the ROW-FS proxy on
 * 2049) and mounts its root from a read-only image server in another namespace, through the
 * proxy. It writes, reboots (PXE again), reads its file back. Then the gateway is killed
 * (SIGKILL, a crash) and started again with the same --state: the first VM boots once more and
 * still finds its file, while a second VM (another MAC) booting at the same time does not see it
 * (its own ROW session). The image tree is untouched throughout.
 *
 *   ns A (rbhg…): rbbr0 = gateway address ── rbtap0 (VM, iPXE ROM)
 *                 rbimg0 192.168.77.1/30 ──veth── ns B (rbhg…): rbimg1 192.168.77.2/30 = row nfsd --read-only
 *
 * A's veth to the host is taken off its bridge so no DHCP broadcast leaves the namespace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootMarker, cachedBootAssets } from '../helpers/boot-assets.js';
import { run } from '../helpers/command.js';
import type { Netns } from '../helpers/netns.js';
import { createNetns } from '../helpers/netns.js';
import type { RowNfsdProcess, RowServerProcess } from '../helpers/row-process.js';
import { startRowNfsd, startRowServer } from '../helpers/row-process.js';
import { treeDigest } from '../helpers/tree-digest.js';
import { PxeVm } from './gateway-pxe-vm.js';

/** Per boot under TCG: iPXE, PXELINUX, kernel + modules, DHCP, mount, appliance; room for a loaded host. */
const bootTimeoutMs = 120_000;
const linkAddress = { gateway: '192.168.77.1', image: '192.168.77.2', prefix: 30 } as const;

function randomMac(): string {
  return ['52', '54', '00', ...[...randomBytes(3)].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
}

async function linkNamespaces(a: Netns, b: Netns): Promise<void> {
  await run('ip', ['-n', a.name, 'link', 'add', 'rbimg0', 'type', 'veth', 'peer', 'name', 'rbimg1', 'netns', b.name]);
  await run('ip', ['-n', a.name, 'addr', 'add', `${linkAddress.gateway}/${linkAddress.prefix}`, 'dev', 'rbimg0']);
  await run('ip', ['-n', b.name, 'addr', 'add', `${linkAddress.image}/${linkAddress.prefix}`, 'dev', 'rbimg1']);
  await run('ip', ['-n', a.name, 'link', 'set', 'rbimg0', 'up']);
  await run('ip', ['-n', b.name, 'link', 'set', 'rbimg1', 'up']);
}

async function stopped(server: RowServerProcess | undefined): Promise<void> {
  if (server === undefined) return;
  const exit = await server.stop();
  assert.equal(exit, 0, `row exited ${exit}:\n${server.output()}`);
}

/** A `row gateway` on the namespace's bridge, with the appliance's test scenario on every client's kernel command line. */
function gatewayArgs(ns: Netns, image: RowNfsdProcess, tftpDir: string, state: string, scenario: 'reboot-once' | 'poweroff'): string[] {
  const subnet = ns.nsAddress.replace(/\d+$/, '');
  return [
    'gateway',
    '--interface', ns.bridge,
    '--address', ns.nsAddress,
    '--dhcp-range', `${subnet}100-${subnet}120`,
    '--tftp-root', tftpDir,
    '--main', `${image.host}:${image.port}:${image.exportPath}`,
    '--main-mount-port', String(image.port),
    '--state', state,
    // A failed boot powers off at once so the test fails fast.
    '--kernel-args', `rowboot.test=${scenario} rowboot.panic=poweroff rowboot.panic_delay=0 panic=-1`,
    // TFTP transfer durations and DHCP events go to the test log (the boot-time breakdown).
    '--verbose',
  ];
}

interface PowerOffBoot {
  mac: string;
  hostname: string;
  upMs: number;
  bootCount: number;
  /** WROTE: /home/user/hello was absent and written now; HELLO: it was there. */
  found: 'WROTE' | 'HELLO';
  hello: string;
}

/** One QEMU run under scenario `poweroff`: boot, report the boot count and /home/user/hello, power off. */
async function bootToPowerOff(ns: Netns, mac: string, log: (line: string) => void): Promise<PowerOffBoot> {
  const vm = await PxeVm.start({ netns: ns, mac });
  try {
    const up = await vm.waitFor(BootMarker.applianceUp, bootTimeoutMs);
    const count = await vm.waitFor(BootMarker.bootCount, 20_000, up.index);
    const hello = await vm.waitFor(/ROWBOOT-APPLIANCE-(WROTE|HELLO) (.*)$/, 20_000, up.index);
    await vm.waitFor(BootMarker.powerOff, 20_000, hello.index);
    assert.equal((await vm.waitExit(30_000)).code, 0, 'QEMU ends by the guest power-off');
    for (const line of markerLog(vm)) log(`${mac} ${line}`);
    return {
      mac,
      hostname: up.match[1] ?? '',
      upMs: vm.at(up.index),
      bootCount: Number(count.match[1]),
      found: hello.match[1] === 'WROTE' ? 'WROTE' : 'HELLO',
      hello: hello.match[2] ?? '',
    };
  } catch (error) {
    log(`${mac} console tail:\n${vm.lines.slice(-60).join('\n')}`);
    throw error;
  } finally {
    await vm.stop();
  }
}

function markerLog(vm: PxeVm): string[] {
  return vm.lines
    .map((line, index) => ({ line, at: vm.at(index) }))
    .filter(({ line }) => line.includes('ROWBOOT-'))
    .map(({ line, at }) => `${(at / 1000).toFixed(2).padStart(7)} s  ${line.slice(line.indexOf('ROWBOOT-'))}`);
}

test(
  'diskless VMs PXE-boot through row gateway: write, reboot, read back; after a gateway crash and restart the first VM still finds its file, a second VM does not see it; the image is untouched',
  { timeout: 600_000 },
  async (t) => {
    const assets = await cachedBootAssets();
    const scratch = mkdtempSync(join(tmpdir(), 'rowboot-gateway-'));
    const gatewayNs = await createNetns({ prefix: 'rbhq' });
    let imageNs: Netns | undefined;
    let image: RowNfsdProcess | undefined;
    let gateway: RowServerProcess | undefined;
    let vm: PxeVm | undefined;
    try {
      imageNs = await createNetns({ prefix: 'rbhq' });
      await run('ip', ['-n', gatewayNs.name, 'link', 'set', 'rbveth0', 'nomaster']);
      await linkNamespaces(gatewayNs, imageNs);

      const root = join(scratch, 'image');
      await run('cp', ['-a', assets.applianceRoot, root]);
      const digestBefore = treeDigest(root);
      image = await startRowNfsd({
        exportDir: root,
        stateDir: join(scratch, 'image-state'),
        host: linkAddress.image,
        readOnly: true,
        prefix: ['ip', 'netns', 'exec', imageNs.name],
      });

      const address = gatewayNs.nsAddress;
      const subnet = address.replace(/\d+$/, '');
      const state = join(scratch, 'gateway-state');
      const inGatewayNs = ['ip', 'netns', 'exec', gatewayNs.name];
      gateway = await startRowServer(gatewayArgs(gatewayNs, image, assets.tftpDir, state, 'reboot-once'), address, inGatewayNs);
      assert.equal(gateway.port, 2049, 'NFS on the standard port');

      // VM 1: boot, write, reboot (PXE again), read back.
      const mac = randomMac();
      vm = await PxeVm.start({ netns: gatewayNs, mac });
      const dhcpLine = await vm.waitFor(/ROWBOOT-INITRD dhcp (.*)$/, bootTimeoutMs);
      assert.match(dhcpLine.match[1] ?? '', new RegExp(`mac=${mac} ip=${subnet}1\\d\\d/24 server=${address}`));
      const rootLine = await vm.waitFor(/ROWBOOT-INITRD root (.*)$/, bootTimeoutMs);
      assert.match(rootLine.match[1] ?? '', new RegExp(`^${address}:${image.exportPath} source=cmdline `));
      assert.doesNotMatch(rootLine.match[1] ?? '', /port=/, 'no explicit ports: the client asks portmap on 111');

      const up = await vm.waitFor(BootMarker.applianceUp, bootTimeoutMs);
      const firstBootMs = vm.at(up.index);
      assert.equal((await vm.waitFor(BootMarker.bootCount, 20_000, up.index)).match[1], '1');
      const wrote = await vm.waitFor(BootMarker.wrote, 20_000, up.index);
      const hello = wrote.match[1] ?? '';
      assert.match(hello, /^hello from \S+, boot 1, token [0-9a-f-]{36}$/);
      const reboot = await vm.waitFor(BootMarker.reboot, 20_000, wrote.index);

      const secondUp = await vm.waitFor(BootMarker.applianceUp, bootTimeoutMs, reboot.index);
      const secondBootMs = vm.at(secondUp.index) - vm.at(reboot.index);
      assert.equal((await vm.waitFor(BootMarker.bootCount, 20_000, secondUp.index)).match[1], '2');
      assert.equal((await vm.waitFor(BootMarker.secondBoot, 20_000, secondUp.index)).match[1], hello, 'the second boot reads its file back');
      await vm.waitFor(BootMarker.powerOff, 20_000, secondUp.index);
      const exit = await vm.waitExit(30_000);
      assert.equal(exit.code, 0, 'QEMU ends by the guest power-off');
      for (const line of markerLog(vm)) t.diagnostic(`${mac} ${line}`);
      await vm.stop();
      vm = undefined;

      // The gateway crashes (SIGKILL: no orderly shutdown) and comes back on the same --state.
      await gateway.kill();
      gateway = await startRowServer(gatewayArgs(gatewayNs, image, assets.tftpDir, state, 'poweroff'), address, inGatewayNs);

      // VM 1 again and a second machine, booting at the same time through the restarted gateway.
      const otherMac = randomMac();
      const [again, other] = await Promise.all([
        bootToPowerOff(gatewayNs, mac, (line) => t.diagnostic(line)),
        bootToPowerOff(gatewayNs, otherMac, (line) => t.diagnostic(line)),
      ]);
      assert.equal(again.found, 'HELLO', 'after the gateway restart VM 1 finds /home/user/hello');
      assert.equal(again.hello, hello, 'the file it wrote before the crash');
      assert.equal(again.bootCount, 3, 'and its boot counter goes on');
      assert.equal(other.found, 'WROTE', 'VM 2 does not see VM 1\'s /home/user/hello: it writes its own');
      assert.notEqual(other.hello, hello);
      assert.match(other.hello, new RegExp(`^hello from ${other.hostname}, boot 1, `));
      assert.equal(other.bootCount, 1, 'VM 2 does not see VM 1\'s boot counter');

      const report =
        `boot time (power-on -> ROWBOOT-APPLIANCE-UP, TCG): first ${(firstBootMs / 1000).toFixed(1)} s, second ${(secondBootMs / 1000).toFixed(1)} s after the reboot; ` +
        `after the gateway restart, VM 1 ${(again.upMs / 1000).toFixed(1)} s and VM 2 ${(other.upMs / 1000).toFixed(1)} s booting together`;
      t.diagnostic(report);
      console.log(`gateway-pxe: ${report}`);
      for (const line of gateway.output().split('\n')) if (/ (tftp|dhcp): (completed|aborted|bound|pxelinux)/.test(line)) t.diagnostic(line);

      await stopped(gateway);
      gateway = undefined;
      await stopped(image);
      image = undefined;
      assert.equal(treeDigest(root), digestBefore, 'the image server tree is byte-identical');
      // One session per machine, keyed by its MAC through the DHCP lease.
      const sessions = readdirSync(join(state, 'shadow', 'sessions'));
      assert.deepEqual(sessions.map((name) => name.replace(/-[^-]+$/, '')).sort(), [mac, otherMac].map((each) => each.replaceAll(':', '_')).sort());
      const leases = readFileSync(join(state, 'dhcp-leases.json'), 'utf8');
      assert.ok(leases.includes(mac) && leases.includes(otherMac), 'leases persisted');
    } catch (error) {
      if (vm) t.diagnostic(`console tail:\n${vm.lines.slice(-60).join('\n')}`);
      if (gateway) t.diagnostic(`gateway output:\n${gateway.output()}`);
      throw error;
    } finally {
      await vm?.stop();
      await gateway?.kill();
      await image?.kill();
      await imageNs?.destroy();
      await gatewayNs.destroy();
      rmSync(scratch, { recursive: true, force: true });
    }
  },
);

/**
 * Issue 4, end to end: a diskless QEMU VM PXE-boots through `row gateway` (one process: our
 * DHCP, our TFTP with a generated pxelinux.cfg/01-<mac>, portmap on 111, the ROW-FS proxy on
 * 2049) and mounts its root from a read-only image server in another namespace, through the
 * proxy. It writes, reboots (PXE again), reads its file back, and the image tree is untouched.
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

function markerLog(vm: PxeVm): string[] {
  return vm.lines
    .map((line, index) => ({ line, at: vm.at(index) }))
    .filter(({ line }) => line.includes('ROWBOOT-'))
    .map(({ line, at }) => `${(at / 1000).toFixed(2).padStart(7)} s  ${line.slice(line.indexOf('ROWBOOT-'))}`);
}

test('a diskless VM PXE-boots through row gateway, writes, reboots and reads its file back; the image is untouched', { timeout: 420_000 }, async (t) => {
  const assets = await cachedBootAssets();
  const scratch = mkdtempSync(join(tmpdir(), 'rowboot-gateway-'));
  const gatewayNs = await createNetns({ prefix: 'rbhg' });
  let imageNs: Netns | undefined;
  let image: RowNfsdProcess | undefined;
  let gateway: RowServerProcess | undefined;
  let vm: PxeVm | undefined;
  try {
    imageNs = await createNetns({ prefix: 'rbhg' });
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
    gateway = await startRowServer(
      [
        'gateway',
        '--interface', gatewayNs.bridge,
        '--address', address,
        '--dhcp-range', `${subnet}100-${subnet}120`,
        '--tftp-root', assets.tftpDir,
        '--main', `${image.host}:${image.port}:${image.exportPath}`,
        '--main-mount-port', String(image.port),
        '--state', state,
        // The appliance's test mode; a failed boot powers off at once so the test fails fast.
        '--kernel-args', 'rowboot.test=reboot-once rowboot.panic=poweroff rowboot.panic_delay=0 panic=-1',
        // TFTP transfer durations and DHCP events go to the test log (the boot-time breakdown).
        '--verbose',
      ],
      address,
      ['ip', 'netns', 'exec', gatewayNs.name],
    );
    assert.equal(gateway.port, 2049, 'NFS on the standard port');

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

    const report = `boot time (power-on -> ROWBOOT-APPLIANCE-UP, TCG): first ${(firstBootMs / 1000).toFixed(1)} s, second ${(secondBootMs / 1000).toFixed(1)} s after the reboot`;
    t.diagnostic(report);
    console.log(`gateway-pxe: ${report}`);
    for (const line of markerLog(vm)) t.diagnostic(line);
    for (const line of gateway.output().split('\n')) if (/ (tftp|dhcp): (completed|aborted|bound|pxelinux)/.test(line)) t.diagnostic(line);

    await stopped(gateway);
    gateway = undefined;
    await stopped(image);
    image = undefined;
    assert.equal(treeDigest(root), digestBefore, 'the image server tree is byte-identical');
    // The session is the machine's: keyed by its MAC through the DHCP lease.
    const sessions = readdirSync(join(state, 'shadow', 'sessions'));
    assert.deepEqual(sessions.map((name) => name.replace(/-[^-]+$/, '')), [mac.replaceAll(':', '_')]);
    const leases = readFileSync(join(state, 'dhcp-leases.json'), 'utf8');
    assert.ok(leases.includes(mac), 'lease persisted');
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
});

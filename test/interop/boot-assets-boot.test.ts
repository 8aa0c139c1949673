/**
 * Issue 4, item 3: the boot assets boot a diskless TCG VM. QEMU loads vmlinuz + initrd.img
 * directly (the PXE path comes with the gateway); the initramfs gets its address from our DHCP
 * server (src/boot/dhcp, in a child process inside the namespace) and mounts a writable copy
 * of the tiny appliance root from `row nfsd`, then switch_roots into the appliance, whose
 * /sbin/init writes under /var and /home and reboots or powers off.
 *
 *   namespace rbha…: rbbr0 (nsAddress: DHCP server, row nfsd [+ portmap on 111]) ── rbtap0 (VM)
 *
 * The namespace's veth to the host is taken off the bridge so no DHCP broadcast leaves it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootAssets } from '../helpers/boot-assets.js';
import { BootMarker, cachedBootAssets, rowbootKernelArgs } from '../helpers/boot-assets.js';
import { run } from '../helpers/command.js';
import type { Netns } from '../helpers/netns.js';
import { createNetns } from '../helpers/netns.js';
import type { RowServerProcess } from '../helpers/row-process.js';
import { startRowNfsd, startRowServer } from '../helpers/row-process.js';
import type { ChildDhcpConfig } from '../integration/dhcp-server-child.js';
import { startDhcpChild } from '../integration/dhcp-harness.js';
import { DirectBootVm } from './boot-assets-vm.js';

/** Per boot under TCG: kernel + modules + DHCP + mount + appliance, with room for a loaded host. */
const bootTimeoutMs = 90_000;

function randomMac(): string {
  return ['52', '54', '00', ...[...randomBytes(3)].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
}

interface Bed {
  netns: Netns;
  assets: BootAssets;
  scratch: string;
  /** The writable copy of the appliance root that row nfsd exports. */
  root: string;
  subnetPrefix: string;
}

async function withBed(fn: (bed: Bed) => Promise<void>): Promise<void> {
  const assets = await cachedBootAssets();
  const scratch = mkdtempSync(join(tmpdir(), 'rowboot-boot-'));
  const netns = await createNetns({ prefix: 'rbha' });
  try {
    await run('ip', ['-n', netns.name, 'link', 'set', 'rbveth0', 'nomaster']);
    const root = join(scratch, 'root');
    await run('cp', ['-a', assets.applianceRoot, root]);
    await fn({ netns, assets, scratch, root, subnetPrefix: netns.nsAddress.replace(/\d+$/, '') });
  } finally {
    await netns.destroy();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function withDhcp(bed: Bed, config: Omit<ChildDhcpConfig, 'serverAddress' | 'range'>, fn: () => Promise<void>): Promise<void> {
  const dhcp = await startDhcpChild(bed.netns, {
    serverAddress: bed.netns.nsAddress,
    range: { from: `${bed.subnetPrefix}100`, to: `${bed.subnetPrefix}120` },
    ...config,
  });
  try {
    await fn();
  } finally {
    await dhcp.stop();
  }
}

async function withServer(server: RowServerProcess, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } finally {
    const exit = await server.stop();
    assert.equal(exit, 0, server.output());
  }
}

/** The markers with their arrival times, for the test log (one diagnostic per line). */
function markerLog(vm: DirectBootVm): string[] {
  return vm.lines
    .map((line, index) => ({ line, at: vm.lineTimes[index] ?? 0 }))
    .filter(({ line }) => line.includes('ROWBOOT-'))
    .map(({ line, at }) => `${(at / 1000).toFixed(2).padStart(7)} s  ${line.slice(line.indexOf('ROWBOOT-'))}`);
}

function serverFile(bed: Bed, path: string): string {
  return readFileSync(join(bed.root, path), 'utf8');
}

test('a diskless VM boots the tiny appliance over NFS (ports on the command line), writes, reboots and reads its file back', { timeout: 300_000 }, async (t) => {
  await withBed(async (bed) => {
    const mac = randomMac();
    const nfsd = await startRowNfsd({
      exportDir: bed.root,
      stateDir: join(bed.scratch, 'state'),
      host: bed.netns.nsAddress,
      prefix: ['ip', 'netns', 'exec', bed.netns.name],
    });
    await withServer(nfsd, async () => {
      const staticLeases = [{ mac, address: `${bed.subnetPrefix}50`, hostName: 'rbha-tiny' }];
      await withDhcp(bed, { staticLeases }, async () => {
        const append = rowbootKernelArgs({
          root: { host: nfsd.host, path: nfsd.exportPath },
          nfsPort: nfsd.port,
          mountPort: nfsd.port,
          panic: 'poweroff',
          panicDelaySeconds: 0,
          test: 'reboot-once',
          // A kernel panic reboots at once: the console watcher sees it and fails the test.
          extra: ['panic=-1'],
        });
        const vm = await DirectBootVm.start({ netns: bed.netns, assets: bed.assets, append, mac });
        try {
          const dhcpLine = await vm.waitFor(/ROWBOOT-INITRD dhcp (.*)$/, bootTimeoutMs);
          assert.match(dhcpLine.match[1] ?? '', new RegExp(`ip=${bed.subnetPrefix}50/24 server=${bed.netns.nsAddress}`));
          const rootLine = await vm.waitFor(/ROWBOOT-INITRD root (.*)$/, bootTimeoutMs);
          assert.match(rootLine.match[1] ?? '', /source=cmdline opts=vers=3,proto=tcp,mountproto=tcp,nolock,noacl,hard,timeo=600,retrans=2,/);
          assert.match(rootLine.match[1] ?? '', new RegExp(`,port=${nfsd.port},mountport=${nfsd.port}`));

          const up = await vm.waitFor(BootMarker.applianceUp, bootTimeoutMs);
          t.diagnostic(`first boot: appliance up at ${(vm.lineTimes[up.index] ?? 0).toFixed(0)} ms (TCG)`);
          assert.equal(up.match[1], 'rbha-tiny', 'host name from DHCP option 12');
          assert.equal((await vm.waitFor(BootMarker.bootCount, 10_000, up.index)).match[1], '1');
          const wrote = await vm.waitFor(BootMarker.wrote, 10_000, up.index);
          const hello = wrote.match[1] ?? '';
          assert.match(hello, /^hello from rbha-tiny, boot 1, token [0-9a-f-]{36}$/);
          const reboot = await vm.waitFor(BootMarker.reboot, 10_000, wrote.index);

          // The writes reached the server before the guest rebooted.
          assert.equal(serverFile(bed, 'home/user/hello'), `${hello}\n`);
          assert.equal(serverFile(bed, 'var/log/boot-count'), '1\n');
          assert.equal(serverFile(bed, 'var/lib/rowboot/booted-once'), '1\n');

          const secondUp = await vm.waitFor(BootMarker.applianceUp, bootTimeoutMs, reboot.index);
          const firstUpMs = vm.lineTimes[up.index] ?? 0;
          t.diagnostic(`second boot: appliance up ${((vm.lineTimes[secondUp.index] ?? 0) - (vm.lineTimes[reboot.index] ?? 0)).toFixed(0)} ms after the reboot (first: ${firstUpMs.toFixed(0)} ms)`);
          assert.equal(secondUp.match[1], 'rbha-tiny');
          assert.equal((await vm.waitFor(BootMarker.bootCount, 10_000, secondUp.index)).match[1], '2');
          assert.equal((await vm.waitFor(BootMarker.hello, 10_000, secondUp.index)).match[1], hello);
          assert.equal((await vm.waitFor(BootMarker.secondBoot, 10_000, secondUp.index)).match[1], hello, 'the second boot reads its file back');
          await vm.waitFor(BootMarker.powerOff, 10_000, secondUp.index);
          const exit = await vm.waitExit(30_000);
          assert.equal(exit.code, 0, `QEMU should end by the guest's power-off; console:\n${vm.console}`);
          assert.equal(serverFile(bed, 'var/log/boot-count'), '2\n');
          assert.equal(serverFile(bed, 'home/user/hello'), `${hello}\n`);
        } finally {
          for (const line of markerLog(vm)) t.diagnostic(line);
          await vm.stop();
        }
      });
    });
  });
});

test('without root or ports on the command line the initramfs mounts the DHCP root path through the portmapper', { timeout: 300_000 }, async (t) => {
  await withBed(async (bed) => {
    const mac = randomMac();
    // An ephemeral NFS port: the mount only works if the kernel client asks portmap (111).
    const nfsd = await startRowServer(
      ['nfsd', '--export', bed.root, '--listen', `${bed.netns.nsAddress}:0`, '--state', join(bed.scratch, 'state'), '--portmap'],
      bed.netns.nsAddress,
      ['ip', 'netns', 'exec', bed.netns.name],
    );
    const exportPath = /exporting (\S+)/.exec(nfsd.output())?.[1] ?? bed.root;
    await withServer(nfsd, async () => {
      // Option 17 without a host: the initramfs mounts from the DHCP server (siaddr / server id).
      await withDhcp(bed, { rootPath: exportPath }, async () => {
        const append = rowbootKernelArgs({ panic: 'poweroff', panicDelaySeconds: 0, test: 'poweroff', extra: ['panic=-1'] });
        const vm = await DirectBootVm.start({ netns: bed.netns, assets: bed.assets, append, mac, noReboot: true });
        try {
          const rootLine = await vm.waitFor(/ROWBOOT-INITRD root (\S+) source=(\S+) opts=(\S+)/, bootTimeoutMs);
          assert.equal(rootLine.match[1], `${bed.netns.nsAddress}:${exportPath}`);
          assert.equal(rootLine.match[2], 'dhcp');
          assert.doesNotMatch(rootLine.match[3] ?? '', /(^|,)(port|mountport)=/, 'no ports: the kernel asks the portmapper');
          const up = await vm.waitFor(BootMarker.applianceUp, bootTimeoutMs);
          t.diagnostic(`appliance up at ${(vm.lineTimes[up.index] ?? 0).toFixed(0)} ms (TCG)`);
          assert.equal(up.match[1], `rowboot-${mac.replaceAll(':', '')}`, 'no DHCP host name: rowboot-<mac>');
          const wrote = await vm.waitFor(BootMarker.wrote, 10_000, up.index);
          await vm.waitFor(BootMarker.powerOff, 10_000, wrote.index);
          const exit = await vm.waitExit(30_000);
          assert.equal(exit.code, 0, `QEMU should end by the guest's power-off; console:\n${vm.console}`);
          assert.equal(serverFile(bed, 'var/log/boot-count'), '1\n');
          assert.equal(serverFile(bed, 'home/user/hello'), `${wrote.match[1]}\n`);
          assert.equal(existsSync(join(bed.root, 'var/lib/rowboot/booted-once')), false);
        } finally {
          for (const line of markerLog(vm)) t.diagnostic(line);
          await vm.stop();
        }
      });
    });
  });
});

test('when the root cannot be mounted the initramfs prints its failure marker and powers off (rowboot.panic=poweroff)', { timeout: 300_000 }, async (t) => {
  await withBed(async (bed) => {
    const nfsd = await startRowNfsd({
      exportDir: bed.root,
      stateDir: join(bed.scratch, 'state'),
      host: bed.netns.nsAddress,
      prefix: ['ip', 'netns', 'exec', bed.netns.name],
    });
    await withServer(nfsd, async () => {
      await withDhcp(bed, {}, async () => {
        const append = rowbootKernelArgs({
          root: { host: nfsd.host, path: `${nfsd.exportPath}/no-such-dir` },
          nfsPort: nfsd.port,
          mountPort: nfsd.port,
          panic: 'poweroff',
          panicDelaySeconds: 0,
          test: 'poweroff',
          extra: ['panic=-1'],
        });
        const vm = await DirectBootVm.start({ netns: bed.netns, assets: bed.assets, append, mac: randomMac(), noReboot: true, failFast: false });
        try {
          const failed = await vm.waitFor(BootMarker.bootFailed, bootTimeoutMs);
          assert.match(failed.match[1] ?? '', new RegExp(`^mount: ${bed.netns.nsAddress}:${nfsd.exportPath}/no-such-dir: `));
          assert.equal(vm.lines.filter((line) => /ROWBOOT-INITRD mount attempt \d+ failed/.test(line)).length, 5, 'five attempts before giving up');
          await vm.waitFor(/ROWBOOT-INITRD poweroff in 0s/, 10_000, failed.index);
          const exit = await vm.waitExit(30_000);
          assert.equal(exit.code, 0, `QEMU should end by the guest's power-off; console:\n${vm.console}`);
          assert.equal(vm.lines.some((line) => BootMarker.applianceUp.test(line)), false);
        } finally {
          for (const line of markerLog(vm)) t.diagnostic(line);
          await vm.stop();
        }
      });
    });
  });
});

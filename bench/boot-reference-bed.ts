/**
 * The reference of the boot benchmark: a classic PXE server on the VMs' link, dnsmasq with its
 * default DHCP and TFTP behaviour (it pings an address before offering it, sends no iPXE
 * options, answers no Router Solicitation) and nfs-ganesha exporting a writable copy of the
 * same tiny appliance, mounted directly (no proxy). Both run in one test namespace
 * (test/helpers/netns.ts); its veth to the host leaves the bridge once ganesha answered, so no
 * DHCP traffic leaves the namespace. The kernel command line (pxelinux.cfg/default) is the one
 * the gateway generates, pointing at ganesha. Each run gets a fresh copy of the image and a
 * fresh ganesha (ganesha caches directory entries: a tree replaced behind its back is not seen).
 */
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootAssets } from '../src/cli/lab/index.js';
import { BootMarker, PxeVm, randomMac, scenarioKernelArgs } from '../src/cli/lab/index.js';
import { clientKernelArgs } from '../src/gateway/index.js';
import { run } from '../test/helpers/command.js';
import type { GaneshaInstance } from '../test/helpers/ganesha.js';
import { startGanesha } from '../test/helpers/ganesha.js';
import type { Netns } from '../test/helpers/netns.js';
import { createNetns } from '../test/helpers/netns.js';
import type { FirstBootSample } from './boot-sample.js';

const BOOT_TIMEOUT_MS = 240_000;
/** The initramfs is about to mount its root (images/boot/README.md). */
const ROOT_LINE = /ROWBOOT-INITRD root /;
const STEP_TIMEOUT_MS = 60_000;
const DHCP_FIRST_HOST = 100;
const DHCP_LAST_HOST = 199;

export class ReferenceBootBed {
  private ganesha: GaneshaInstance | undefined;

  private constructor(
    private readonly ns: Netns,
    private readonly dnsmasq: ChildProcess,
    private readonly pristine: string,
    private readonly exportDir: string,
    private readonly work: string,
  ) {}

  static async create(assets: BootAssets, netnsPrefix: string): Promise<ReferenceBootBed> {
    const work = mkdtempSync(join(tmpdir(), 'rowboot-bench-boot-ref-'));
    const ns = await createNetns({ prefix: netnsPrefix });
    try {
      const exportDir = join(work, 'image');
      // The MOUNT path: ganesha exports the directory's real path.
      mkdirSync(exportDir);
      const exportPath = realpathSync(exportDir);
      await run('ip', ['-n', ns.name, 'link', 'set', 'rbveth0', 'nomaster']);

      const tftpRoot = join(work, 'tftp');
      cpSync(assets.tftpDir, tftpRoot, { recursive: true });
      const append = [
        ...clientKernelArgs({ serverAddress: ns.nsAddress, exportPath }).filter((arg) => !arg.startsWith('rowboot.panic=')),
        ...scenarioKernelArgs('poweroff'),
      ];
      writeFileSync(
        join(tftpRoot, 'pxelinux.cfg', 'default'),
        ['DEFAULT rowboot', 'PROMPT 0', 'TIMEOUT 0', 'LABEL rowboot', '  KERNEL vmlinuz', '  INITRD initrd.img', `  APPEND ${append.join(' ')}`, '  IPAPPEND 2', ''].join('\n'),
      );
      const subnet = ns.nsAddress.replace(/\d+$/, '');
      const dnsmasq = ns.spawn(
        'dnsmasq',
        [
          '--no-daemon',
          '--conf-file=/dev/null',
          // No DNS: only DHCP and TFTP are compared.
          '--port=0',
          `--dhcp-range=${subnet}${DHCP_FIRST_HOST},${subnet}${DHCP_LAST_HOST}`,
          '--dhcp-boot=pxelinux.0',
          `--dhcp-leasefile=${join(work, 'dnsmasq.leases')}`,
          '--enable-tftp',
          `--tftp-root=${tftpRoot}`,
          '--user=root',
          '--group=root',
          '--pid-file=',
          '--log-facility=-',
        ],
        { stdio: ['ignore', 'ignore', 'ignore'] },
      );
      return new ReferenceBootBed(ns, dnsmasq, assets.applianceRoot, exportDir, work);
    } catch (error) {
      await ns.destroy();
      rmSync(work, { recursive: true, force: true });
      throw error;
    }
  }

  /** One VM, first boot to power-off, on a fresh copy of the image. */
  async run(): Promise<FirstBootSample> {
    if (this.dnsmasq.exitCode !== null) throw new Error(`dnsmasq exited (${this.dnsmasq.exitCode})`);
    await this.restartGanesha();
    const tap = await this.ns.addTap();
    const vm = PxeVm.start({ netns: this.ns.name, tap, mac: randomMac() });
    try {
      const initramfs = await vm.waitFor(BootMarker.initrdStart, BOOT_TIMEOUT_MS);
      const root = await vm.waitFor(ROOT_LINE, BOOT_TIMEOUT_MS, initramfs.index);
      const up = await vm.waitFor(BootMarker.applianceUp, BOOT_TIMEOUT_MS, root.index);
      await vm.waitFor(BootMarker.powerOff, STEP_TIMEOUT_MS, up.index);
      await vm.waitExit(STEP_TIMEOUT_MS);
      return { initramfsMs: initramfs.atMs, upMs: up.atMs, nfsPhaseMs: up.atMs - root.atMs };
    } finally {
      await vm.stop();
      await this.ns.removeTap(tap).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.ganesha?.stop();
    await this.ns.destroy();
    rmSync(this.work, { recursive: true, force: true });
  }

  /**
   * A fresh copy of the image under a fresh ganesha. The harness checks that ganesha answers
   * from the host, through the namespace's veth: it joins the bridge for that moment only
   * (no VM is running then, so no DHCP traffic can leave).
   */
  private async restartGanesha(): Promise<void> {
    await this.ganesha?.stop();
    this.ganesha = undefined;
    rmSync(this.exportDir, { recursive: true, force: true });
    await run('cp', ['-a', this.pristine, this.exportDir]);
    await run('ip', ['-n', this.ns.name, 'link', 'set', 'rbveth0', 'master', this.ns.bridge]);
    try {
      this.ganesha = await startGanesha({ exportDir: this.exportDir, netns: this.ns });
    } finally {
      await run('ip', ['-n', this.ns.name, 'link', 'set', 'rbveth0', 'nomaster']);
    }
  }
}

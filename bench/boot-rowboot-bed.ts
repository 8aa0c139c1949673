/**
 * The rowboot side of the boot benchmark, on the lab `row demo` uses (src/cli/lab): the image
 * server (`row nfsd --read-only` on the tiny appliance) in its own namespace, and per run a
 * fresh `row gateway` (new --state: a first boot is a first boot) and a new VM under scenario
 * reboot-once. The gateway reaches the image server through the relay of bench/wan-relay.ts
 * in the gateway's namespace: with no delay on the LAN (one more user-space hop; it is there
 * to count what the image server sends, read-ahead included, which the proxy's metrics cannot
 * tell exactly), with `wanDelayMs` each way for the WAN.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BootAssets, ImageServer, LabNetwork } from '../src/cli/lab/index.js';
import {
  BootMarker,
  createLabNetwork,
  fetchGatewayFigures,
  LabAddress,
  METRICS_HOST,
  METRICS_PORT,
  PxeVm,
  randomMac,
  scenarioKernelArgs,
  spawnInNetns,
  startGatewayServer,
  startImageServer,
} from '../src/cli/lab/index.js';
import type { ImageServerReads, RowbootBootSample } from './boot-sample.js';
import { ChildLines } from './child-lines.js';

const BOOT_TIMEOUT_MS = 240_000;
/** The initramfs is about to mount its root (images/boot/README.md). */
const ROOT_LINE = /ROWBOOT-INITRD root /;
const STEP_TIMEOUT_MS = 60_000;
/** The relay listens on the gateway namespace's loopback (ports there are ours alone). */
const RELAY_PORT = 20049;
const RELAY_TIMEOUT_MS = 10_000;

interface RelayProcess {
  child: ChildProcess;
  lines: ChildLines;
  port: number;
}


export class RowbootBootBed {
  private constructor(
    private readonly network: LabNetwork,
    private readonly image: ImageServer,
    private readonly assets: BootAssets,
    private readonly work: string,
  ) {}

  static async create(assets: BootAssets, netnsPrefix: string): Promise<RowbootBootBed> {
    const network = await createLabNetwork({ prefix: netnsPrefix });
    const work = mkdtempSync(join(tmpdir(), 'rowboot-bench-boot-'));
    try {
      const image = await startImageServer(network, { exportDir: assets.applianceRoot, stateDir: join(work, 'image-state') });
      return new RowbootBootBed(network, image, assets, work);
    } catch (error) {
      await network.destroy();
      rmSync(work, { recursive: true, force: true });
      throw error;
    }
  }

  /** One fresh gateway, one VM: first boot, reboot, second boot, power-off. */
  async run(index: number, wanDelayMs = 0, readAheadDepth?: number): Promise<RowbootBootSample> {
    const relay = await this.startRelay(wanDelayMs);
    try {
      return await this.boot(index, wanDelayMs, relay, readAheadDepth);
    } finally {
      await this.stopRelay(relay);
    }
  }

  private async boot(index: number, wanDelayMs: number, relay: RelayProcess, readAheadDepth: number | undefined): Promise<RowbootBootSample> {
    const main = { host: '127.0.0.1', port: relay.port, exportPath: this.image.exportPath };
    const gateway = await startGatewayServer(this.network, {
      tftpRoot: this.assets.tftpDir,
      main,
      stateDir: join(this.work, `gateway-${index}-${wanDelayMs}`),
      kernelArgs: scenarioKernelArgs('reboot-once'),
      readAheadDepth,
    });
    const tap = await this.network.addTap();
    const vm = PxeVm.start({ netns: this.network.gatewayNs, tap, mac: randomMac() });
    try {
      const initramfs = await vm.waitFor(BootMarker.initrdStart, BOOT_TIMEOUT_MS);
      const root = await vm.waitFor(ROOT_LINE, BOOT_TIMEOUT_MS, initramfs.index);
      const up = await vm.waitFor(BootMarker.applianceUp, BOOT_TIMEOUT_MS, root.index);
      const reboot = await vm.waitFor(BootMarker.reboot, STEP_TIMEOUT_MS, up.index);
      const proxyFirst = await fetchGatewayFigures(this.network.gatewayNs, METRICS_HOST, METRICS_PORT);
      const firstBoot = await this.relayReads(relay, true);
      const secondRoot = await vm.waitFor(ROOT_LINE, BOOT_TIMEOUT_MS, reboot.index);
      const secondUp = await vm.waitFor(BootMarker.applianceUp, BOOT_TIMEOUT_MS, secondRoot.index);
      await vm.waitFor(BootMarker.powerOff, STEP_TIMEOUT_MS, secondUp.index);
      await vm.waitExit(STEP_TIMEOUT_MS);
      const secondBoot = await this.relayReads(relay, false);
      return {
        initramfsMs: initramfs.atMs,
        upMs: up.atMs,
        nfsPhaseMs: up.atMs - root.atMs,
        secondUpMs: secondUp.atMs - reboot.atMs,
        secondNfsPhaseMs: secondUp.atMs - secondRoot.atMs,
        firstBoot,
        secondBoot,
        firstBootProxyMainBytes: proxyFirst.main.bytes,
      };
    } finally {
      await vm.stop();
      await this.network.removeTap(tap);
      await gateway.stop();
    }
  }

  async close(): Promise<void> {
    await this.image.stop().catch(() => undefined);
    await this.network.destroy();
    rmSync(this.work, { recursive: true, force: true });
  }

  private async startRelay(oneWayDelayMs: number): Promise<RelayProcess> {
    const script = fileURLToPath(new URL('./wan-relay.js', import.meta.url));
    const args = [script, `127.0.0.1:${RELAY_PORT}`, `${LabAddress.image}:${this.image.port}`, String(oneWayDelayMs)];
    const child = spawnInNetns(this.network.gatewayNs, process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    if (child.stdout === null) throw new Error('wan-relay has no stdout');
    const lines = new ChildLines(child.stdout);
    const ready = await lines.next(RELAY_TIMEOUT_MS, 'wan-relay start');
    const match = /^ready (\d+)$/.exec(ready);
    if (match === null) throw new Error(`wan-relay said ${JSON.stringify(ready)}`);
    return { child, lines, port: Number(match[1]) };
  }

  /** The relay's READ counts since the last reset (then reset, between the boots). */
  private async relayReads(relay: RelayProcess, reset: boolean): Promise<ImageServerReads> {
    relay.child.stdin?.write(reset ? 'stats\nreset\n' : 'stats\n');
    const stats = JSON.parse(await relay.lines.next(RELAY_TIMEOUT_MS, 'wan-relay stats')) as ImageServerReads;
    return { readBytes: stats.readBytes, distinctReadBytes: stats.distinctReadBytes };
  }

  private async stopRelay(relay: RelayProcess): Promise<void> {
    const exited = new Promise<void>((resolve) => relay.child.once('exit', () => resolve()));
    if (relay.child.exitCode === null) relay.child.stdin?.end();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (relay.child.exitCode === null && relay.child.pid !== undefined) relay.child.kill('SIGKILL');
  }
}

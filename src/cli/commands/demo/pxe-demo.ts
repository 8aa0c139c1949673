/**
 * `row demo`: issue 4's main job on one machine. It builds the boot assets if they are
 * missing, creates a private network (lab/network.ts: a gateway namespace with a bridge, an
 * image-server namespace behind a veth), starts the image server (`row nfsd --read-only` on
 * the tiny appliance) and `row gateway`, and PXE-boots a diskless QEMU VM through them
 * (paper 002, Figure 3: DHCP, TFTP of PXELINUX + kernel + initramfs, NFS root through the
 * ROW-FS proxy). It shows the guest's console and ends with a summary from the gateway's
 * metrics. Everything it started is stopped and both namespaces are deleted on every way
 * out, Ctrl-C included (a second Ctrl-C tears down at once).
 *
 * Modes: in a terminal the guest boots to a shell on its console (keys go to the guest,
 * Ctrl-] ends); `--headless` (or no terminal) runs the appliance's test scenario instead —
 * boot, write under /var and /home, power off (`--reboot`: reboot once and read the file
 * back) — and the exit code says whether the guest reached its marker.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BootTimes } from './summary.js';
import { formatSummary } from './summary.js';
import { checkPxeDemoPrerequisites } from './prerequisites.js';
import { forwardKeys } from './keyboard.js';
import type { CliIo } from '../../io.js';
import type { GatewayFigures, ImageServer, LabNetwork, RowChild } from '../../lab/index.js';
import {
  bootAssetsCached,
  BootMarker,
  cachedBootAssets,
  createLabNetwork,
  fetchGatewayFigures,
  figuresBetween,
  LabAddress,
  LabError,
  METRICS_HOST,
  METRICS_PORT,
  PxeVm,
  scenarioKernelArgs,
  startGatewayServer,
  startImageServer,
  treeFileBytes,
} from '../../lab/index.js';

export interface PxeDemoOptions {
  /** Work directory; the demo's state and logs go to DIR/pxe (emptied first). */
  dir: string;
  netnsPrefix: string;
  headless: boolean;
  /** Scenario reboot-once: a second boot reads back what the first wrote. */
  reboot: boolean;
  bootTimeoutMs: number;
}

type Mode = 'interactive' | 'console' | 'headless';

/** A fixed locally administered MAC: the demo's one machine (its ROW session is keyed by it). */
const DEMO_MAC = '52:54:00:de:30:01';
/** From the appliance's last marker to QEMU's exit (poweroff -f). */
const POWER_OFF_TIMEOUT_MS = 60_000;
/** Between markers of one boot (the appliance writes, then reboots or powers off). */
const STEP_TIMEOUT_MS = 60_000;
const EXIT_OK = 0;
const EXIT_FAILED = 1;
/** 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C. */
const EXIT_INTERRUPTED = 130;

class DemoInterrupted extends Error {
  override readonly name = 'DemoInterrupted';
}

/** `promise`, or a DemoInterrupted rejection as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DemoInterrupted('stopped'));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new DemoInterrupted('stopped'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function modeOf(options: PxeDemoOptions, io: CliIo): Mode {
  if (options.headless) return 'headless';
  // A scenario runs by itself: the console is shown, the keyboard is not needed.
  if (options.reboot || io.terminal === undefined) return 'console';
  return 'interactive';
}

function markerLine(line: string, atMs: number): string | undefined {
  const at = line.indexOf('ROWBOOT-');
  return at < 0 ? undefined : `  ${(atMs / 1000).toFixed(2).padStart(7)} s  ${line.slice(at)}`;
}

interface Running {
  network: LabNetwork;
  imageServer?: ImageServer;
  gateway?: RowChild;
  vm?: PxeVm;
  restoreKeys?: () => void;
}

async function cleanUp(running: Running): Promise<void> {
  running.restoreKeys?.();
  await running.vm?.stop();
  // SIGTERM: the gateway stops in order and logs its own summary.
  await running.gateway?.stop().catch(() => undefined);
  await running.imageServer?.stop().catch(() => undefined);
  await running.network.destroy();
}

export async function runPxeDemo(options: PxeDemoOptions, io: CliIo): Promise<number> {
  checkPxeDemoPrerequisites();
  const mode = modeOf(options, io);
  const say = (text: string): void => io.stdout(`row demo: ${text}`);

  if (!bootAssetsCached()) say('building the boot assets (images/build.sh: PXELINUX, Debian kernel, initramfs, tiny appliance) ...');
  const assets = await cachedBootAssets();
  const image = treeFileBytes(assets.applianceRoot);
  const work = join(resolve(options.dir), 'pxe');
  const logDir = join(work, 'logs');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });

  // Ctrl-C / SIGTERM (io.stopSignal) and Ctrl-] (interactive) both end the waits below.
  const ending = new AbortController();
  let quitByKey = false;
  const onStop = (): void => ending.abort();
  io.stopSignal.addEventListener('abort', onStop, { once: true });
  if (io.stopSignal.aborted) return EXIT_INTERRUPTED;

  const running: Running = { network: await createLabNetwork({ prefix: options.netnsPrefix, gracefulSignals: true }) };
  const { network } = running;
  const times: BootTimes = { initramfsMs: undefined, upMs: undefined };
  let outcome: 'ok' | 'failed' | 'interrupted' = 'failed';
  let secondBootStart: GatewayFigures | undefined;
  let figures: GatewayFigures | undefined;
  try {
    say(`network: namespace ${network.gatewayNs} (gateway and VM, bridge ${LabAddress.bridge} ${LabAddress.gateway}/${LabAddress.clientPrefixLength}) and ${network.imageNs} (image server ${LabAddress.image}), linked by a veth; nothing is attached to the host's networks`);

    const imageServer = await abortable(startImageServer(network, { exportDir: assets.applianceRoot, stateDir: join(work, 'image-state'), logDir }), ending.signal);
    running.imageServer = imageServer;
    say(`image server: row nfsd --read-only on ${imageServer.host}:${imageServer.port}, exporting the tiny appliance ${imageServer.exportPath} (${image.files} files, ${image.bytes} bytes)`);

    const kernelArgs = mode === 'interactive' ? [] : scenarioKernelArgs(options.reboot ? 'reboot-once' : 'poweroff');
    const stateDir = join(work, 'gateway-state');
    const gateway = await abortable(
      startGatewayServer(network, { tftpRoot: assets.tftpDir, main: imageServer, stateDir, kernelArgs, logDir }),
      ending.signal,
    );
    running.gateway = gateway;
    say(`gateway: row gateway on ${LabAddress.bridge} ${LabAddress.gateway}: DHCP ${LabAddress.dhcpFrom}-${LabAddress.dhcpTo}, TFTP ${assets.tftpDir}, portmap 111, ROW-FS proxy on 2049 -> the image server; shadow and sessions in ${stateDir}`);
    say(`logs: ${logDir}`);

    const tap = await network.addTap();
    const terminal = io.terminal;
    const vm = PxeVm.start({
      netns: network.gatewayNs,
      tap,
      mac: DEMO_MAC,
      interactive: mode === 'interactive',
      onData: mode === 'interactive' && terminal !== undefined ? (text) => terminal.write(text) : undefined,
      onLine: (line, atMs) => {
        if (mode === 'console') io.stdout(line);
        if (mode !== 'headless') return;
        const marker = markerLine(line, atMs);
        if (marker !== undefined) io.stdout(marker);
      },
    });
    running.vm = vm;
    say(`powered on a diskless VM (QEMU -accel tcg, e1000 with the iPXE ROM, MAC ${DEMO_MAC}); under TCG a boot takes 15-40 s`);
    if (mode === 'interactive' && terminal !== undefined) {
      say('the guest console follows; Ctrl-] ends the demo');
      running.restoreKeys = forwardKeys(terminal, (keys) => vm.write(keys), () => {
        quitByKey = true;
        ending.abort();
      });
    }

    const up = await abortable(vm.waitFor(BootMarker.applianceUp, options.bootTimeoutMs), ending.signal);
    times.upMs = up.atMs;
    times.initramfsMs = vm.console.find(BootMarker.initrdStart)?.atMs;

    if (mode === 'interactive') {
      say(`the guest is up after ${(up.atMs / 1000).toFixed(1)} s, its root mounted over NFS through the gateway: try 'cat /home/user/hello', 'mount'; 'poweroff -f' or Ctrl-] ends the demo`);
      await abortable(vm.exited, ending.signal).catch((error: unknown) => {
        if (!(error instanceof DemoInterrupted && quitByKey)) throw error;
      });
    } else if (options.reboot) {
      const wrote = await abortable(vm.waitFor(BootMarker.wrote, STEP_TIMEOUT_MS, up.index), ending.signal);
      const reboot = await abortable(vm.waitFor(BootMarker.reboot, STEP_TIMEOUT_MS, wrote.index), ending.signal);
      secondBootStart = await fetchGatewayFigures(network.gatewayNs, METRICS_HOST, METRICS_PORT);
      const secondUp = await abortable(vm.waitFor(BootMarker.applianceUp, options.bootTimeoutMs, reboot.index), ending.signal);
      times.secondUpMs = secondUp.atMs - reboot.atMs;
      const readBack = await abortable(vm.waitFor(BootMarker.secondBoot, STEP_TIMEOUT_MS, secondUp.index), ending.signal);
      times.readBack = readBack.match[1];
      if (times.readBack !== wrote.match[1]) throw new LabError(`the second boot read back "${times.readBack}", the first wrote "${wrote.match[1]}"`);
      await abortable(vm.waitFor(BootMarker.powerOff, STEP_TIMEOUT_MS, readBack.index), ending.signal);
      await abortable(vm.waitExit(POWER_OFF_TIMEOUT_MS), ending.signal);
    } else {
      await abortable(vm.waitFor(BootMarker.powerOff, STEP_TIMEOUT_MS, up.index), ending.signal);
      await abortable(vm.waitExit(POWER_OFF_TIMEOUT_MS), ending.signal);
    }
    outcome = 'ok';
  } catch (error) {
    running.restoreKeys?.();
    if (error instanceof DemoInterrupted) {
      outcome = 'interrupted';
      say('stopping (Ctrl-C); a second Ctrl-C tears down at once');
    } else if (error instanceof LabError) {
      io.stderr(`row demo: ${error.message}`);
      const logHint = running.gateway === undefined ? '' : ` (gateway log: ${join(logDir, 'gateway.log')})`;
      io.stderr(`row demo: the guest did not finish its boot${logHint}`);
    } else {
      await cleanUp(running);
      throw error;
    }
  }
  try {
    if (running.gateway !== undefined) {
      figures = await fetchGatewayFigures(network.gatewayNs, METRICS_HOST, METRICS_PORT).catch(() => undefined);
      const secondBoot = secondBootStart !== undefined && figures !== undefined ? figuresBetween(secondBootStart, figures) : undefined;
      running.restoreKeys?.();
      for (const line of formatSummary({ times, imageBytes: image.bytes, imageFiles: image.files, figures, secondBoot })) say(line);
    }
  } finally {
    io.stopSignal.removeEventListener('abort', onStop);
    await cleanUp(running);
    say(`stopped the VM, the gateway and the image server; deleted ${network.gatewayNs} and ${network.imageNs}`);
  }
  if (outcome === 'interrupted') return EXIT_INTERRUPTED;
  return outcome === 'ok' && times.upMs !== undefined ? EXIT_OK : EXIT_FAILED;
}

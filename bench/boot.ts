/**
 * Issue 4 benchmark: diskless PXE boots of the tiny appliance under QEMU TCG.
 *
 * - rowboot: `row gateway` (our DHCP + TFTP + the ROW-FS proxy) in front of the image server
 *   (`row nfsd --read-only`) behind a veth, as `row demo` runs it (boot-rowboot-bed.ts);
 * - reference: dnsmasq with default settings (DHCP + TFTP) and a direct NFS mount of the same
 *   image from nfs-ganesha (boot-reference-bed.ts).
 *
 * LAN rounds alternate the two (which one goes first alternates too); figures are medians.
 * Each rowboot run is a fresh gateway and a VM that boots, writes, reboots and boots again, so
 * it also gives the second boot. Between the gateway and the image server runs a relay
 * (bench/delaying-relay.ts): with no delay on the LAN, 15 ms each way for the WAN rounds. It
 * decodes the READ replies it carries: bytes fetched from the image server (read-ahead
 * included) and the distinct bytes among them. The proxy forwards the client's READs of
 * never-written files (whole requests, read ahead or not), so those distinct bytes are the
 * distinct bytes the guest read from the image... except with the proxy's read-ahead on (its
 * default), which fetches ranges the guest may never ask for. So one more run has the
 * read-ahead off (`row gateway --read-ahead 0`): there every READ the image server answers is
 * one the guest made, and the distinct bytes among them are the guest's. (The proxy's own
 * metrics count the payload passed to the client, and read-ahead waste only once a window is
 * dropped, so they cannot say either.)
 */
import { cachedBootAssets, treeFileBytes } from '../src/cli/lab/index.js';
import { median, type BenchRow } from './measure.js';
import type { FirstBootSample, RowbootBootSample } from './boot-sample.js';
import { ReferenceBootBed } from './boot-reference-bed.js';
import { RowbootBootBed } from './boot-rowboot-bed.js';

const LAN_ROUNDS = 5;
const WAN_ROUNDS = 3;
/** 15 ms each way: a 30 ms round trip between gateway and image server. */
const WAN_ONE_WAY_DELAY_MS = 15;
/** Namespace prefixes: the lab's own (src/cli/lab) and the test harness's (must start with rbh). */
const LAB_NETNS_PREFIX = 'rbqbench';
const REFERENCE_NETNS_PREFIX = 'rbhqb';
const MS_PER_S = 1000;
const KB = 1000;
const REFERENCE_NAME = 'dnsmasq + ganesha';

function progress(text: string): void {
  process.stderr.write(`bench boot: ${text}\n`);
}

function seconds(ms: number): string {
  return `${(ms / MS_PER_S).toFixed(2)} s`;
}

function medianOf<T>(samples: readonly T[], pick: (sample: T) => number): number {
  return median(samples.map(pick));
}

export async function benchBoot(): Promise<BenchRow[]> {
  const assets = await cachedBootAssets();
  const imageBytes = treeFileBytes(assets.applianceRoot).bytes;
  const rowboot = await RowbootBootBed.create(assets, LAB_NETNS_PREFIX);
  let reference: ReferenceBootBed | undefined;
  const ours: RowbootBootSample[] = [];
  const theirs: FirstBootSample[] = [];
  const wan: RowbootBootSample[] = [];
  let noReadAhead: RowbootBootSample | undefined;
  try {
    reference = await ReferenceBootBed.create(assets, REFERENCE_NETNS_PREFIX);
    const runOurs = async (round: number): Promise<void> => {
      const sample = await rowboot.run(round);
      ours.push(sample);
      progress(
        `round ${round + 1} row gateway: initramfs ${seconds(sample.initramfsMs)}, up ${seconds(sample.upMs)} (NFS part ${seconds(sample.nfsPhaseMs)}), ` +
          `second boot ${seconds(sample.secondUpMs)} (NFS part ${seconds(sample.secondNfsPhaseMs)}), ` +
          `image server READ bytes ${JSON.stringify(sample.firstBoot)} then ${JSON.stringify(sample.secondBoot)} (proxy's count ${sample.firstBootProxyMainBytes})`,
      );
    };
    const runTheirs = async (round: number, bed: ReferenceBootBed): Promise<void> => {
      const sample = await bed.run();
      theirs.push(sample);
      progress(`round ${round + 1} ${REFERENCE_NAME}: initramfs ${seconds(sample.initramfsMs)}, up ${seconds(sample.upMs)} (NFS part ${seconds(sample.nfsPhaseMs)})`);
    };
    for (let round = 0; round < LAN_ROUNDS; round++) {
      if (round % 2 === 0) {
        await runOurs(round);
        await runTheirs(round, reference);
      } else {
        await runTheirs(round, reference);
        await runOurs(round);
      }
    }
    await reference.close();
    reference = undefined;
    noReadAhead = await rowboot.run(LAN_ROUNDS, 0, 0);
    progress(`read-ahead off: up ${seconds(noReadAhead.upMs)}, image server READ bytes ${JSON.stringify(noReadAhead.firstBoot)} then ${JSON.stringify(noReadAhead.secondBoot)}`);
    for (let round = 0; round < WAN_ROUNDS; round++) {
      const sample = await rowboot.run(LAN_ROUNDS + 1 + round, WAN_ONE_WAY_DELAY_MS);
      wan.push(sample);
      progress(`WAN round ${round + 1}: up ${seconds(sample.upMs)} (NFS part ${seconds(sample.nfsPhaseMs)}), second boot ${seconds(sample.secondUpMs)} (NFS part ${seconds(sample.secondNfsPhaseMs)}), image server READ bytes ${JSON.stringify(sample.firstBoot)} then ${JSON.stringify(sample.secondBoot)}`);
    }
  } finally {
    await reference?.close();
    await rowboot.close();
  }

  const firstBootBytes = medianOf(ours, (sample) => sample.firstBoot.readBytes);
  const guestDistinct = noReadAhead?.firstBoot.distinctReadBytes ?? Number.NaN;
  const lanUp = medianOf(ours, (sample) => sample.upMs);
  const lanSecond = medianOf(ours, (sample) => sample.secondUpMs);
  const lanNfs = medianOf(ours, (sample) => sample.nfsPhaseMs);
  return [
    {
      name: 'PXE boot: power-on -> appliance up',
      unit: 's',
      rowboot: lanUp / MS_PER_S,
      baseline: medianOf(theirs, (sample) => sample.upMs) / MS_PER_S,
      baselineName: REFERENCE_NAME,
      goal: `< 1x; medians of ${LAN_ROUNDS}`,
    },
    {
      name: 'PXE boot: power-on -> initramfs',
      unit: 's',
      rowboot: medianOf(ours, (sample) => sample.initramfsMs) / MS_PER_S,
      baseline: medianOf(theirs, (sample) => sample.initramfsMs) / MS_PER_S,
      baselineName: REFERENCE_NAME,
      goal: '<= 0.35x',
    },
    {
      name: 'PXE boot: NFS root mount -> appliance up',
      unit: 'ms',
      rowboot: lanNfs,
      baseline: medianOf(theirs, (sample) => sample.nfsPhaseMs),
      baselineName: `${REFERENCE_NAME} (direct mount)`,
    },
    {
      name: '1st boot: image server READ bytes',
      unit: 'kB',
      rowboot: firstBootBytes / KB,
      baseline: guestDistinct / KB,
      baselineName: 'distinct bytes the guest read',
      goal: '<= 1.05x',
    },
    {
      name: '1st boot, read-ahead 0: READ bytes',
      unit: 'kB',
      rowboot: (noReadAhead?.firstBoot.readBytes ?? Number.NaN) / KB,
      baseline: guestDistinct / KB,
      baselineName: 'distinct bytes the guest read',
      goal: '<= 1.05x',
    },
    {
      name: '1st boot: image server READ bytes',
      unit: 'kB',
      rowboot: firstBootBytes / KB,
      baseline: imageBytes / KB,
      baselineName: 'image size',
    },
    {
      name: 'PXE boot, read-ahead 0 (1 run)',
      unit: 's',
      rowboot: (noReadAhead?.upMs ?? Number.NaN) / MS_PER_S,
      baseline: lanUp / MS_PER_S,
      baselineName: 'read-ahead 4 (default)',
    },
    {
      name: '2nd boot: reboot -> appliance up',
      unit: 's',
      rowboot: lanSecond / MS_PER_S,
      baseline: lanUp / MS_PER_S,
      baselineName: 'first boot',
    },
    {
      name: '2nd boot: image server READ bytes',
      unit: 'kB',
      rowboot: medianOf(ours, (sample) => sample.secondBoot.readBytes) / KB,
      baseline: firstBootBytes / KB,
      baselineName: 'first boot',
    },
    {
      name: `WAN 30 ms RTT: 1st boot (${WAN_ROUNDS} runs)`,
      unit: 's',
      rowboot: medianOf(wan, (sample) => sample.upMs) / MS_PER_S,
      baseline: lanUp / MS_PER_S,
      baselineName: 'LAN',
    },
    {
      name: `WAN 30 ms RTT: 2nd boot (${WAN_ROUNDS} runs)`,
      unit: 's',
      rowboot: medianOf(wan, (sample) => sample.secondUpMs) / MS_PER_S,
      baseline: lanSecond / MS_PER_S,
      baselineName: 'LAN',
    },
    {
      name: 'WAN: 1st boot mount -> appliance up',
      unit: 'ms',
      rowboot: medianOf(wan, (sample) => sample.nfsPhaseMs),
      baseline: lanNfs,
      baselineName: 'LAN',
    },
    {
      name: 'WAN: 2nd boot mount -> appliance up',
      unit: 'ms',
      rowboot: medianOf(wan, (sample) => sample.secondNfsPhaseMs),
      baseline: medianOf(ours, (sample) => sample.secondNfsPhaseMs),
      baselineName: 'LAN',
    },
  ];
}

/**
 * The lab's private network, two namespaces and nothing attached to the host (so no DHCP
 * broadcast can leave, and nothing on the host's networks is shadowed):
 *
 *   gateway ns: rbbr0 192.168.90.1/24 (bridge) ── rbtapN (PXE VMs)      row gateway, QEMU
 *               rbup0 192.168.91.1/30 ──veth── image ns: rbup1 192.168.91.2/30   row nfsd --read-only
 *
 * The veth plays the gateway's uplink to the image server (paper 002, Figure 3).
 */
import { LabError } from './errors.js';
import { createNamespaceSet } from './namespaces.js';
import { runCommand } from './run-command.js';

export const LabAddress = {
  bridge: 'rbbr0',
  /** The gateway's address on the host-only link: DHCP server id, TFTP, portmap, NFS. */
  gateway: '192.168.90.1',
  clientPrefixLength: 24,
  dhcpFrom: '192.168.90.100',
  dhcpTo: '192.168.90.199',
  uplinkGatewaySide: 'rbup0',
  uplinkImageSide: 'rbup1',
  uplinkGateway: '192.168.91.1',
  image: '192.168.91.2',
  uplinkPrefixLength: 30,
} as const;

export interface LabNetworkOptions {
  /** Namespace name prefix (namespaces.ts). */
  prefix: string;
  gracefulSignals?: boolean;
}

export interface LabNetwork {
  /** Where the gateway, its helpers (radvd) and the VMs run. */
  readonly gatewayNs: string;
  /** Where the image server runs. */
  readonly imageNs: string;
  /** A tap on the bridge for one VM. */
  addTap(): Promise<string>;
  removeTap(tap: string): Promise<void>;
  /** Stops everything inside both namespaces and deletes them. Idempotent. */
  destroy(): Promise<void>;
}

export async function createLabNetwork(options: LabNetworkOptions): Promise<LabNetwork> {
  const set = await createNamespaceSet({ prefix: options.prefix, suffixes: ['g', 'i'], gracefulSignals: options.gracefulSignals });
  const [gatewayNs = '', imageNs = ''] = set.names;
  const A = LabAddress;
  try {
    await runCommand('ip', ['-n', gatewayNs, 'link', 'add', A.uplinkGatewaySide, 'type', 'veth', 'peer', 'name', A.uplinkImageSide, 'netns', imageNs]);
    const gatewaySide = [
      `link add ${A.bridge} type bridge`,
      `addr add ${A.gateway}/${A.clientPrefixLength} dev ${A.bridge}`,
      `link set ${A.bridge} up`,
      `addr add ${A.uplinkGateway}/${A.uplinkPrefixLength} dev ${A.uplinkGatewaySide}`,
      `link set ${A.uplinkGatewaySide} up`,
    ];
    await runCommand('ip', ['-n', gatewayNs, '-batch', '-'], { input: `${gatewaySide.join('\n')}\n` });
    const imageSide = [`addr add ${A.image}/${A.uplinkPrefixLength} dev ${A.uplinkImageSide}`, `link set ${A.uplinkImageSide} up`];
    await runCommand('ip', ['-n', imageNs, '-batch', '-'], { input: `${imageSide.join('\n')}\n` });
  } catch (cause) {
    await set.destroy(0);
    throw new LabError(`cannot build the lab network in ${gatewayNs} and ${imageNs}`, { cause });
  }

  let taps = 0;
  let destroyed = false;
  return {
    gatewayNs,
    imageNs,
    async addTap() {
      const tap = `rbtap${taps++}`;
      await runCommand('ip', ['-n', gatewayNs, 'tuntap', 'add', 'dev', tap, 'mode', 'tap']);
      await runCommand('ip', ['-n', gatewayNs, 'link', 'set', tap, 'master', A.bridge, 'up']);
      return tap;
    },
    async removeTap(tap) {
      if (!destroyed) await runCommand('ip', ['-n', gatewayNs, 'link', 'del', tap]).catch(() => undefined);
    },
    destroy() {
      destroyed = true;
      return set.destroy();
    },
  };
}

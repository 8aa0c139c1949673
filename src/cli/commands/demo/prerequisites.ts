/**
 * What the PXE demo needs before it touches anything: root (namespaces, a bridge, a tap,
 * nftables) and the tools `npm run setup` installs. Each miss says what to do.
 */
import { existsSync } from 'node:fs';
import { findExecutable, PXE_E1000_ROM } from '../../lab/index.js';
import { UsageError } from '../../errors.js';

const tools: ReadonlyArray<{ name: string; why: string }> = [
  { name: 'ip', why: 'network namespaces (iproute2)' },
  { name: 'qemu-system-x86_64', why: 'the diskless VM (qemu-system-x86)' },
  { name: 'nft', why: "the gateway's DHCP uplink guard (nftables)" },
  { name: 'curl', why: "reading the gateway's metrics endpoint" },
];

export function checkPxeDemoPrerequisites(): void {
  if (process.getuid?.() !== 0) {
    throw new UsageError('row demo needs root: it creates network namespaces, a bridge, a tap and nftables rules (run it as root, or try `row demo --nfs-only`)');
  }
  const missing = tools.filter((tool) => findExecutable(tool.name) === undefined).map((tool) => `${tool.name} (${tool.why})`);
  if (!existsSync(PXE_E1000_ROM)) missing.push(`${PXE_E1000_ROM} (ipxe-qemu)`);
  if (missing.length > 0) throw new UsageError(`row demo is missing ${missing.join(', ')}: run 'npm run setup'`);
}

/**
 * Keeping the DHCP server off the uplink. A Node socket cannot be bound to one interface and
 * cannot see which interface a datagram arrived on, so the kernel filters instead: an nftables
 * table drops DHCP requests (UDP to port 67) arriving on any interface but the host-only one,
 * and DHCP server replies (UDP from port 67) leaving by any other interface. The gateway (or
 * the appliance's nftables.conf, via dhcpGuardRuleset) installs it before starting the server.
 */
import { DhcpPort } from './constants.js';
import { DhcpGuardError } from './errors.js';
import { inNetns, runTool } from './run-tool.js';

export interface DhcpGuardOptions {
  /** The host-only interface: the only one DHCP is served on. */
  interface: string;
  /** Network namespace to install the rules in (ip netns exec); default the current one. */
  netns?: string;
  /** nftables table name (family inet); default `rowboot_dhcp_guard`. */
  table?: string;
}

export interface DhcpGuard {
  readonly table: string;
  /** Deletes the table. Idempotent. */
  remove(): Promise<void>;
}

const interfacePattern = /^[A-Za-z0-9_.:-]{1,15}$/;
const tablePattern = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const defaultTable = 'rowboot_dhcp_guard';

/** The nftables ruleset text (for `nft -f`); replaces any previous table of the same name. */
export function dhcpGuardRuleset(options: Pick<DhcpGuardOptions, 'interface' | 'table'>): string {
  const table = options.table ?? defaultTable;
  if (!interfacePattern.test(options.interface)) throw new DhcpGuardError(`bad interface name ${JSON.stringify(options.interface)}`);
  if (!tablePattern.test(table)) throw new DhcpGuardError(`bad nftables table name ${JSON.stringify(table)}`);
  const name = JSON.stringify(options.interface);
  return [
    `table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    '  chain input {',
    '    type filter hook input priority filter - 10; policy accept;',
    `    iifname != ${name} udp dport ${DhcpPort.SERVER} drop`,
    '  }',
    '  chain output {',
    '    type filter hook output priority filter - 10; policy accept;',
    `    oifname != ${name} udp sport ${DhcpPort.SERVER} drop`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Installs the guard with `nft -f -` (needs CAP_NET_ADMIN). Rejects with DhcpGuardError. */
export async function installDhcpGuard(options: DhcpGuardOptions): Promise<DhcpGuard> {
  const table = options.table ?? defaultTable;
  const ruleset = dhcpGuardRuleset({ interface: options.interface, table });
  const nft = async (args: string[], input?: string): Promise<void> => {
    const [command, argv] = inNetns(options.netns, 'nft', args);
    let result;
    try {
      result = await runTool(command, argv, input);
    } catch (cause) {
      throw new DhcpGuardError('cannot run nft (is nftables installed?)', { cause });
    }
    if (result.code !== 0) throw new DhcpGuardError(`nft ${args.join(' ')} failed: ${result.stderr.trim()}`);
  };
  await nft(['-f', '-'], ruleset);
  let removed = false;
  return {
    table,
    async remove() {
      if (removed) return;
      removed = true;
      await nft(['delete', 'table', 'inet', table]);
    },
  };
}

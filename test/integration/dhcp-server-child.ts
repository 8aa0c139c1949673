/**
 * Runs one DhcpServer as its own process, so that a test can start it inside a network
 * namespace (`ip netns exec NS node dhcp-server-child.js CONFIG_JSON`). Protocol:
 * stdout carries JSON lines `{"event":"ready","port":67}`, `{"event":"lease",...}` and, for each
 * `stats` line on stdin, `{"event":"stats","stats":{...},"leases":[...]}`; `stop` on stdin (or
 * stdin closing) closes the server and exits.
 */
import { createInterface } from 'node:readline';
import type { BootFileTable, DhcpServerOptions } from '../../src/boot/dhcp/index.js';
import { bootFileChooser, DhcpOption, optionValue, startDhcpServer } from '../../src/boot/dhcp/index.js';

/** DhcpServerOptions as JSON: functions replaced by data. */
export interface ChildDhcpConfig extends Omit<DhcpServerOptions, 'bootFile' | 'clientOptions' | 'onLeaseChange' | 'logger' | 'now'> {
  bootFiles?: BootFileTable;
  /** Sent as option 17 to every client. */
  rootPath?: string;
}

function emit(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ChildDhcpConfig;
  const { bootFiles, rootPath, ...options } = config;
  const server = await startDhcpServer({
    ...options,
    ...(bootFiles ? { bootFile: bootFileChooser(bootFiles) } : {}),
    ...(rootPath ? { clientOptions: () => new Map([[DhcpOption.ROOT_PATH, optionValue.string(rootPath)]]) } : {}),
    onLeaseChange: (event) => emit({ event: 'lease', ...event }),
    logger: {
      debug: (message, details) => emit({ event: 'log', level: 'debug', message, details }),
      info: (message, details) => emit({ event: 'log', level: 'info', message, details }),
      warn: (message, details) => emit({ event: 'log', level: 'warn', message, details }),
      error: (message, details) => emit({ event: 'log', level: 'error', message, details }),
    },
  });
  emit({ event: 'ready', port: server.port });
  const stop = async (): Promise<void> => {
    await server.close();
    process.exitCode = 0;
    process.stdin.destroy();
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line === 'stats') emit({ event: 'stats', stats: server.stats, leases: server.leases() });
    if (line === 'stop') void stop();
  });
  lines.on('close', () => void stop());
}

main().catch((error: unknown) => {
  emit({ event: 'fatal', error: String(error) });
  process.exitCode = 1;
  process.stdin.destroy();
});

import { startBootstrapNode } from '../../registry/index.js';
import { bootstrapFrom, expected, untilStopped } from '../dht-client.js';
import type { CliIo } from '../io.js';
import { parseListenAddress } from '../listen-address.js';
import { parseFlags, requireFlag } from '../parse-flags.js';
import type { Command } from './command.js';

const usage = 'row dht --listen HOST:PORT [--bootstrap HOST:PORT[,HOST:PORT...]]';

/**
 * A persistent DHT node at a fixed address: the first node of a private network (no
 * --bootstrap) or one more node of an existing one. Other commands join with --bootstrap.
 */
async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, { listen: { type: 'string' }, bootstrap: { type: 'string' } }, usage);
  const listen = parseListenAddress(requireFlag(values.listen, '--listen', usage), '--listen');
  const self = `${listen.host}:${listen.port}`;
  // ROW_BOOTSTRAP may list this very node; joining through itself is no join.
  const bootstrap = (bootstrapFrom(values.bootstrap) ?? []).filter((node) => `${node.host}:${node.port}` !== self);
  const node = await expected(() => startBootstrapNode(listen, bootstrap));
  const { port } = node.address();
  const { host } = listen;
  io.stdout(`row dht: DHT node on ${host}:${port} (udp)${bootstrap.length > 0 ? `, joined through ${bootstrap.map((b) => `${b.host}:${b.port}`).join(',')}` : ', a new network'}`);
  io.stdout(`join with: --bootstrap ${host}:${port}`);
  await untilStopped(io);
  await node.destroy();
  io.stdout('row dht: stopped');
  return 0;
}

export const dhtCommand: Command = { summary: 'run a DHT node (bootstrap of a private network)', usage, run };

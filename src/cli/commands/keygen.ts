import { formatPublicKey, writeKeyFile } from '../../registry/index.js';
import { expected } from '../dht-client.js';
import type { CliIo } from '../io.js';
import { parseFlags, requireFlag } from '../parse-flags.js';
import type { Command } from './command.js';

const usage = 'row keygen --out FILE';

/** A new publisher, image-server or gateway identity; the key file is mode 0600 and never overwritten. */
async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, { out: { type: 'string' } }, usage);
  const out = requireFlag(values.out, '--out', usage);
  const keyPair = await expected(() => writeKeyFile(out));
  io.stdout(formatPublicKey(keyPair.publicKey));
  io.stderr(`row keygen: wrote ${out} (mode 0600); the line above is its public key`);
  return 0;
}

export const keygenCommand: Command = { summary: 'create a key pair (publisher, image server or gateway)', usage, run };

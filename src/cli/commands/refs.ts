import { formatImageRef, formatPublicKey, parseVersionedImageRef } from '../../registry/index.js';
import { BOOTSTRAP_USAGE, bootstrapFrom, expected, publisherFrom, withRegistry } from '../dht-client.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseFlags } from '../parse-flags.js';
import type { Command } from './command.js';

const usage = `row refs A@vN (--publisher PUBKEY | --key FILE) [--json] ${BOOTSTRAP_USAGE}`;

/** How many distinct gateways announce they use A@vN now (002_eb6434fc5d94cfdc.txt Section 3, third table). */
async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    publisher: { type: 'string' },
    key: { type: 'string' },
    json: { type: 'boolean', default: false },
    bootstrap: { type: 'string' },
  }, usage);
  const [refText, ...extra] = positionals;
  if (refText === undefined || extra.length > 0) throw new UsageError(`expected one A@vN\nusage: ${usage}`);
  const ref = await expected(async () => parseVersionedImageRef(refText));
  const publisherKey = await publisherFrom(values, usage);

  return withRegistry(bootstrapFrom(values.bootstrap), async (registry) => {
    const users = await expected(() => registry.countUsers({ publisherKey, name: ref.name, version: ref.version }));
    if (values.json) {
      io.stdout(JSON.stringify({
        name: ref.name,
        version: ref.version,
        publisher: formatPublicKey(publisherKey),
        count: users.count,
        gateways: users.gateways.map(formatPublicKey),
        announced: users.announced,
        exact: users.exact,
        lastUsedAt: users.lastUsedAt,
      }));
      return 0;
    }
    io.stdout(`${formatImageRef(ref)}: ${users.count} gateway${users.count === 1 ? '' : 's'}${users.exact ? '' : ' (at least: the DHT lookup was truncated)'}`);
    for (const gateway of users.gateways) io.stdout(`  ${formatPublicKey(gateway)}`);
    return 0;
  });
}

export const refsCommand: Command = { summary: 'count the gateways using a version', usage, run };

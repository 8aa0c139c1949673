import { formatImageRef, formatPublicKey, parseImageRef } from '../../registry/index.js';
import { BOOTSTRAP_USAGE, bootstrapFrom, expected, publisherFrom, withRegistry } from '../dht-client.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseFlags } from '../parse-flags.js';
import type { Command } from './command.js';

const usage = `row resolve A[@vN] (--publisher PUBKEY | --key FILE) [--json] ${BOOTSTRAP_USAGE}`;

/**
 * The latest version of A as signed by its publisher (or the given vN), its manifest hash and
 * the image servers that announce it. Only the publisher's key can move "latest", so records
 * under other keys or with lower sequence numbers never change this answer.
 */
async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    publisher: { type: 'string' },
    key: { type: 'string' },
    json: { type: 'boolean', default: false },
    bootstrap: { type: 'string' },
  }, usage);
  const [refText, ...extra] = positionals;
  if (refText === undefined || extra.length > 0) throw new UsageError(`expected one A or A@vN\nusage: ${usage}`);
  const ref = await expected(async () => parseImageRef(refText));
  const publisherKey = await publisherFrom(values, usage);
  const publisher = formatPublicKey(publisherKey);

  return withRegistry(bootstrapFrom(values.bootstrap), async (registry) => {
    const latest = await expected(() => registry.resolveLatest(publisherKey, ref.name));
    if (latest === null) {
      io.stderr(`row resolve: ${ref.name} has never been published by ${publisher}`);
      return 1;
    }
    const version = ref.version ?? latest.version;
    const servers = await expected(() => registry.findServers({ publisherKey, name: ref.name, version }));
    // The signed record vouches for the latest version's manifest; for older ones only the servers say.
    const manifestHash = version === latest.version ? latest.manifestHash : (servers.find((server) => server.manifestHash)?.manifestHash ?? null);
    if (values.json) {
      io.stdout(JSON.stringify({
        name: ref.name,
        version,
        publisher,
        latest: latest.version,
        isLatest: version === latest.version,
        manifestHash,
        publishedAt: latest.publishedAt,
        servers: servers.map((server) => ({
          publicKey: formatPublicKey(server.publicKey),
          mountPath: server.mountPath ?? null,
          manifestHash: server.manifestHash ?? null,
          expiresAt: server.expiresAt,
        })),
      }));
      return 0;
    }
    const label = formatImageRef({ name: ref.name, version });
    io.stdout(`${label}${version === latest.version ? ' (latest)' : ` (latest is v${latest.version})`}`);
    io.stdout(`manifest  ${manifestHash ?? 'unknown (no server announces it)'}`);
    if (version === latest.version) io.stdout(`published ${new Date(latest.publishedAt).toISOString()}`);
    io.stdout(`servers   ${servers.length}`);
    for (const server of servers) {
      const mismatch = manifestHash !== null && server.manifestHash !== undefined && server.manifestHash !== manifestHash ? ' (DIFFERENT MANIFEST)' : '';
      io.stdout(`  ${formatPublicKey(server.publicKey)}  ${server.mountPath ?? '-'}${mismatch}`);
    }
    return 0;
  });
}

export const resolveCommand: Command = { summary: 'show the latest (or given) version of an appliance and its servers', usage, run };

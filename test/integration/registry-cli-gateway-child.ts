/**
 * A gateway-like process for the registry CLI tests (until `row gateway --image` exists): it
 * does what a gateway does at a client's boot, with the library a gateway would use:
 *  - resolves A (latest) or A@vN by the publisher's key,
 *  - finds the image servers announcing that version, and opens a local TCP forwarder whose
 *    connections go through the encrypted overlay to one of them ("nfs" service: the server's
 *    NFS + MOUNT port), so an unmodified NFS client (libnfs) mounts the image through it,
 *  - announces "uses A@vN" with a TTL, refreshed every TTL/3, until SIGTERM (clean stop:
 *    the entry is withdrawn) or SIGKILL (the entry expires).
 * Input: ROW_GATEWAY_CHILD as JSON {bootstrap, publisher, image, ttlMs}.
 * Prints "ready {publicKey, port, mountPath, version}".
 */
import { startOverlayForwarder } from '../../src/overlay/index.js';
import {
  Registry,
  formatPublicKey,
  generateKeyPair,
  parseBootstrapList,
  parseImageRef,
  parsePublicKey,
  startDhtNode,
} from '../../src/registry/index.js';

interface ChildInput {
  bootstrap: string;
  publisher: string;
  image: string;
  ttlMs: number;
}

const input = JSON.parse(process.env.ROW_GATEWAY_CHILD ?? '{}') as ChildInput;
const dht = await startDhtNode({ bootstrap: parseBootstrapList(input.bootstrap), host: '127.0.0.1' });
const registry = new Registry({ dht });
const keyPair = generateKeyPair();
const publisherKey = parsePublicKey(input.publisher);
const ref = parseImageRef(input.image);
const latest = ref.version === undefined ? await registry.resolveLatest(publisherKey, ref.name) : null;
const version = ref.version ?? latest?.version;
if (version === undefined) throw new Error(`${ref.name} is not published`);
const image = { publisherKey, name: ref.name, version };
const servers = await registry.findServers(image);
const mountPath = servers[0]?.mountPath;
if (mountPath === undefined) throw new Error(`no server announces ${ref.name}@v${version}`);

const forwarder = await startOverlayForwarder({
  dht,
  keyPair,
  service: 'nfs',
  // Asked again for every new connection, so a dead server is replaced by another holder.
  candidates: async () => (await registry.findServers(image)).map((server) => server.publicKey),
  log: (line) => console.error(line),
});
const use = await registry.announceUser(keyPair, image, input.ttlMs, { onError: (error) => console.error(`refresh failed: ${error.message}`) });
console.log(`ready ${JSON.stringify({ publicKey: formatPublicKey(keyPair.publicKey), port: forwarder.port, mountPath, version })}`);

process.once('SIGTERM', () => {
  void (async () => {
    await use.stop();
    await forwarder.close();
    await dht.destroy();
    console.log('stopped');
  })();
});

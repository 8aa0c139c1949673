/**
 * src/overlay on a 20-node local hyperdht testnet: a TCP service reached through the
 * encrypted overlay (forwarder -> Noise stream -> server -> TCP), the gateway allow list, bad
 * stream headers, and a new connection failing over to a second server when the first is gone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type HyperDHT from 'hyperdht';
import {
  OverlayConnectError,
  connectOverlay,
  parseAllowList,
  startOverlayForwarder,
  startOverlayServer,
  type OverlayForwarder,
  type OverlayServer,
} from '../../src/overlay/index.js';
import { generateKeyPair, startLocalTestnet, type LocalTestnet } from '../../src/registry/index.js';

let net: LocalTestnet;
let echo: Server;
let echoPort: number;
const echoSockets = new Set<Socket>();
const closers: Array<() => Promise<void>> = [];

before(async () => {
  net = await startLocalTestnet(20);
  echo = createServer((socket) => {
    echoSockets.add(socket);
    socket.on('close', () => echoSockets.delete(socket));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as { port: number }).port;
});

after(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  for (const socket of echoSockets) socket.destroy();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
  await net.destroy();
});

async function imageServer(allow?: ReadonlySet<string>): Promise<{ server: OverlayServer; dht: HyperDHT }> {
  const dht = await net.createClient();
  const server = await startOverlayServer({
    dht,
    keyPair: generateKeyPair(),
    services: { echo: { host: '127.0.0.1', port: echoPort } },
    ...(allow ? { allow } : {}),
  });
  closers.push(() => server.close());
  return { server, dht };
}

/** Sends `payload` through a TCP connection to the forwarder and returns the echoed bytes' SHA-256. */
async function roundTrip(forwarder: OverlayForwarder, payload: Buffer): Promise<string> {
  const socket = connect(forwarder.port, forwarder.host);
  const hash = createHash('sha256');
  let received = 0;
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      received += chunk.length;
      if (received >= payload.length) resolve();
    });
    socket.on('error', reject);
    socket.on('close', () => (received < payload.length ? reject(new Error(`closed after ${received} bytes`)) : resolve()));
    socket.write(payload);
  });
  socket.destroy();
  return hash.digest('hex');
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

test('bytes reach a TCP service behind an image server through the encrypted overlay', async () => {
  const { server } = await imageServer();
  const gatewayDht = await net.createClient();
  const forwarder = await startOverlayForwarder({ dht: gatewayDht, candidates: () => [server.publicKey], service: 'echo' });
  closers.push(() => forwarder.close());
  const payload = randomBytes(4 * 1024 * 1024);
  assert.equal(await roundTrip(forwarder, payload), sha256(payload));
  assert.equal(forwarder.stats.connections, 1);
  assert.ok(forwarder.current?.equals(server.publicKey));
});

test('a server with an allow list refuses other gateways before any byte flows', async () => {
  const allowed = generateKeyPair();
  const stranger = generateKeyPair();
  const { server } = await imageServer(parseAllowList(`# the one gateway\n${allowed.publicKey.toString('hex')}\n`));
  const gatewayDht = await net.createClient();
  const stream = await connectOverlay(gatewayDht, server.publicKey, 'echo', { keyPair: allowed });
  stream.destroy();
  await assert.rejects(connectOverlay(gatewayDht, server.publicKey, 'echo', { keyPair: stranger, timeoutMs: 2000 }), OverlayConnectError);
  assert.ok(server.stats.refusedByAllowList >= 1);
});

test('streams without a valid service header are dropped and counted', async () => {
  const { server } = await imageServer();
  const gatewayDht = await net.createClient();
  const stream = gatewayDht.connect(server.publicKey);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => {
      stream.write(Buffer.from('GET / HTTP/1.0\r\n\r\n'));
    });
    stream.once('close', resolve);
    stream.once('error', () => resolve());
    setTimeout(() => reject(new Error('server kept a stream with a bad header open')), 5000).unref();
  });
  assert.equal(server.stats.badHeaders, 1);
});

test('when the server in use is gone, the next connection fails over to another holder', async () => {
  const first = await imageServer();
  const second = await imageServer();
  const gatewayDht = await net.createClient();
  const forwarder = await startOverlayForwarder({
    dht: gatewayDht,
    candidates: () => [first.server.publicKey, second.server.publicKey],
    service: 'echo',
    timeoutMs: 3000,
  });
  closers.push(() => forwarder.close());
  const payload = randomBytes(256 * 1024);
  assert.equal(await roundTrip(forwarder, payload), sha256(payload));
  assert.ok(forwarder.current?.equals(first.server.publicKey));
  await first.server.close();
  await first.dht.destroy({ force: true });
  assert.equal(await roundTrip(forwarder, payload), sha256(payload));
  assert.ok(forwarder.current?.equals(second.server.publicKey));
  assert.equal(forwarder.stats.failovers, 1);
});

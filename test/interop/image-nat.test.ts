/**
 * Issue 5, NAT: the gateway and the image server each sit in their own network namespace behind
 * their own nftables masquerade router; the DHT (`row dht` bootstrap + 3 more nodes) lives in a
 * third, "public" namespace that routes between the two routers' outside addresses:
 *
 *   gw ns (row gateway --image, nfs-cat)  10.77.11.2 ── 10.77.11.1 [nat-g, masquerade] 10.77.1.2 ─┐
 *                                                                                      10.77.1.1 pub ns (row dht x4)
 *   srv ns (row serve, row publish)       10.77.12.2 ── 10.77.12.1 [nat-s, masquerade] 10.77.2.2 ─┘ 10.77.2.1
 *
 * Neither end can reach the other's address; the overlay stream between them is hole-punched
 * through both NATs by hyperdht (no relay is configured, so a stream can only be punched). The
 * gateway resolves tiny (latest), mounts it through that stream, and libnfs nfs-cat in the
 * gateway's namespace reads a file through the gateway's proxy on its host-only address with
 * the right checksum; `row refs` from the public side counts the gateway as a user.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../helpers/command.js';
import { nfsCat, nfsUrl } from '../helpers/libnfs.js';
import { createNetns, type Netns } from '../helpers/netns.js';

const ROW = fileURLToPath(new URL('../../src/cli/row.js', import.meta.url));
const PREFIX = 'rbhn';
const DHT_PORT = 33100;
const EXTRA_DHT_NODES = 3;
const PUB_G = '10.77.1.1';
const NAT_G_WAN = '10.77.1.2';
const PUB_S = '10.77.2.1';
const NAT_S_WAN = '10.77.2.2';
const NAT_G_LAN = '10.77.11.1';
const GW_UPLINK = '10.77.11.2';
const NAT_S_LAN = '10.77.12.1';
const SRV_UPLINK = '10.77.12.2';
const BOOTSTRAP = `${PUB_G}:${DHT_PORT}`;
const FILE_BYTES = 8 * 1024 * 1024;
const READY_TIMEOUT_MS = 60_000;
const COMMAND_TIMEOUT_MS = 90_000;

interface NsProcess {
  readonly pid: number;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

const namespaces: Netns[] = [];
let pub: Netns;
let natG: Netns;
let natS: Netns;
let gw: Netns;
let srv: Netns;
let work: string;
let publisher: string;
let serverKey: string;
let fileHash: string;
let gateway: NsProcess;

/** A long-running `row` command inside `ns`; the namespace's destroy() ends it. */
function startRowIn(ns: Netns, args: readonly string[]): NsProcess {
  const child = ns.spawn(process.execPath, [ROW, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`cannot start row ${args[0]} in ${ns.name}`);
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exitCode: number | string | undefined;
  child.on('exit', (code, signal) => {
    exitCode = code ?? signal ?? 'unknown';
    for (const listener of listeners) listener();
  });
  return {
    pid: child.pid,
    output: () => text,
    waitFor(pattern, timeoutMs = READY_TIMEOUT_MS) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text);
          if (match) {
            cleanup();
            resolve(match);
          } else if (exitCode !== undefined) {
            cleanup();
            reject(new Error(`row ${args.join(' ')} exited (${exitCode}) before printing ${pattern}:\n${text}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} within ${timeoutMs} ms from row ${args[0]} in ${ns.name}:\n${text}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** A `row` command inside `ns`, to completion. */
async function rowIn(ns: Netns, args: readonly string[]): Promise<string> {
  const { text } = await ns.exec(process.execPath, [ROW, ...args], { timeoutMs: COMMAND_TIMEOUT_MS });
  return text;
}

async function ipBatch(ns: Netns, lines: readonly string[]): Promise<void> {
  await run('ip', ['-n', ns.name, '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

/** A veth pair between two namespaces, each end addressed and up. */
async function link(a: Netns, aName: string, aAddress: string, b: Netns, bName: string, bAddress: string): Promise<void> {
  await run('ip', ['-n', a.name, 'link', 'add', aName, 'type', 'veth', 'peer', 'name', bName, 'netns', b.name]);
  await ipBatch(a, [`addr add ${aAddress}/24 dev ${aName}`, `link set ${aName} up`]);
  await ipBatch(b, [`addr add ${bAddress}/24 dev ${bName}`, `link set ${bName} up`]);
}

/**
 * A home-router-like NAT: forwards, rewrites what leaves through `wan` to its own address
 * (masquerade), and drops unsolicited packets arriving on `wan`. The drop matters for hole
 * punching: without it, the peer's first punch packet (arriving before ours left) becomes a
 * conntrack entry to the router itself, and our own punch to that peer then clashes with it and
 * is masqueraded to another port. Dropped in the input hook, the packet is never confirmed.
 */
async function makeNatRouter(router: Netns, wan: string): Promise<void> {
  await router.exec('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
  const rules = [
    'table ip rowboot_nat {',
    '  chain input {',
    '    type filter hook input priority filter; policy accept;',
    `    iifname "${wan}" ct state new drop`,
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    oifname "${wan}" masquerade`,
    '  }',
    '}',
  ];
  await router.exec('nft', ['-f', '-'], { input: `${rules.join('\n')}\n` });
}

before(async () => {
  for (let index = 0; index < 5; index++) namespaces.push(await createNetns({ prefix: PREFIX }));
  [pub, natG, natS, gw, srv] = namespaces as [Netns, Netns, Netns, Netns, Netns];
  // The veths to the host that createNetns() adds are cut, so the only paths are the ones drawn above.
  for (const ns of namespaces) await run('ip', ['link', 'del', ns.hostInterface]);
  await link(pub, 'vpubg', PUB_G, natG, 'vwan', NAT_G_WAN);
  await link(pub, 'vpubs', PUB_S, natS, 'vwan', NAT_S_WAN);
  await link(natG, 'vlan', NAT_G_LAN, gw, 'vup', GW_UPLINK);
  await link(natS, 'vlan', NAT_S_LAN, srv, 'vup', SRV_UPLINK);
  await pub.exec('sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
  await ipBatch(natG, [`route add default via ${PUB_G}`]);
  await ipBatch(natS, [`route add default via ${PUB_S}`]);
  await ipBatch(gw, [`route add default via ${NAT_G_LAN}`]);
  await ipBatch(srv, [`route add default via ${NAT_S_LAN}`]);
  await makeNatRouter(natG, 'vwan');
  await makeNatRouter(natS, 'vwan');

  work = mkdtempSync(join(tmpdir(), 'rbn-nat-'));
  publisher = (await rowIn(pub, ['keygen', '--out', join(work, 'publisher.key')])).trim();
  serverKey = (await rowIn(pub, ['keygen', '--out', join(work, 'server.key')])).trim();
  writeFileSync(join(work, 'publishers'), `${publisher}\n`);

  const bootstrap = startRowIn(pub, ['dht', '--listen', BOOTSTRAP]);
  await bootstrap.waitFor(/DHT node on /);
  for (let index = 1; index <= EXTRA_DHT_NODES; index++) {
    // Half on each of pub's addresses: both sides reach both.
    const host = index % 2 === 0 ? PUB_G : PUB_S;
    await startRowIn(pub, ['dht', '--listen', `${host}:${DHT_PORT + index}`, '--bootstrap', BOOTSTRAP]).waitFor(/DHT node on /);
  }

  const server = startRowIn(srv, ['serve', '--store', join(work, 'store'), '--key', join(work, 'server.key'), '--publishers', join(work, 'publishers'), '--rescan', '0.5', '--state', join(work, 'serve-state'), '--bootstrap', BOOTSTRAP]);
  await server.waitFor(/overlay key [0-9a-f]{64}/);
  const source = join(work, 'image');
  mkdirSync(join(source, 'etc'), { recursive: true });
  writeFileSync(join(source, 'etc', 'hostname'), 'behind-nat\n');
  const data = randomBytes(FILE_BYTES);
  fileHash = createHash('sha256').update(data).digest('hex');
  writeFileSync(join(source, 'data.bin'), data);
  const published = await rowIn(srv, ['publish', 'tiny@v1', source, '--key', join(work, 'publisher.key'), '--store', join(work, 'store'), '--bootstrap', BOOTSTRAP]);
  assert.match(published, /an image server announces tiny@v1/);

  const tftpRoot = join(work, 'tftp');
  mkdirSync(tftpRoot);
  const subnet = gw.nsAddress.split('.').slice(0, 3).join('.');
  gateway = startRowIn(gw, [
    'gateway', '--interface', gw.bridge, '--address', gw.nsAddress, '--dhcp-range', `${subnet}.100-${subnet}.120`, '--tftp-root', tftpRoot,
    '--state', join(work, 'gateway-state'), '--image', 'tiny', '--publisher', publisher, '--bootstrap', BOOTSTRAP, '--users-ttl', '20', '--no-router-advertisements',
  ]);
  await gateway.waitFor(/clients mount \/tiny\/v1 on /);
});

after(async () => {
  for (const ns of namespaces.reverse()) await ns.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the NATs are real: neither side reaches the other, both reach the public side', async () => {
  const ping = (ns: Netns, address: string) => ns.exec('busybox', ['ping', '-c', '1', '-W', '1', address]);
  await ping(gw, PUB_G);
  await ping(srv, PUB_S);
  await assert.rejects(ping(gw, SRV_UPLINK));
  await assert.rejects(ping(srv, GW_UPLINK));
  // Unsolicited packets to the outside address of a router go nowhere.
  await assert.rejects(ping(gw, NAT_S_WAN));
  // What the public side sees of the gateway is its router's address (masquerade).
  const { text } = await natG.exec('nft', ['list', 'table', 'ip', 'rowboot_nat']);
  assert.match(text, /masquerade/);
  assert.match(text, /ct state new drop/);
});

test('row gateway --image mounts tiny@v1 through the overlay across both NATs; nfs-cat in its namespace reads a file with the right checksum', async (t) => {
  assert.match(gateway.output(), new RegExp(`using server ${serverKey} \\(tiny@v1 at ${join(work, 'store', 'tiny', 'v1')}\\)`));
  const started = performance.now();
  const url = nfsUrl({ host: gw.nsAddress, path: '/tiny/v1', file: 'data.bin' });
  const data = await nfsCat(url, { netns: gw, timeoutMs: 60_000 });
  const seconds = (performance.now() - started) / 1000;
  assert.equal(data.length, FILE_BYTES);
  assert.equal(createHash('sha256').update(data).digest('hex'), fileHash);
  assert.equal((await nfsCat(nfsUrl({ host: gw.nsAddress, path: '/tiny/v1', file: 'etc/hostname' }), { netns: gw })).toString(), 'behind-nat\n');
  t.diagnostic(`8 MiB through gateway -> hole-punched overlay -> image server: ${(FILE_BYTES / 1e6 / seconds).toFixed(1)} MB/s (portmap on 111 found NFS on 2049)`);
});

test('row refs from the public side counts the gateway behind its NAT as a user of tiny@v1', async () => {
  const gatewayKey = /gateway key ([0-9a-f]{64})/.exec(gateway.output())?.[1];
  assert.ok(gatewayKey !== undefined, gateway.output());
  await gateway.waitFor(/announcing "uses tiny@v1"/, 10_000);
  const refs = JSON.parse(await rowIn(pub, ['refs', 'tiny@v1', '--publisher', publisher, '--bootstrap', BOOTSTRAP, '--json'])) as { count: number; gateways: string[] };
  assert.deepEqual(refs.gateways, [gatewayKey]);
  // The gateway's identity was created in its state directory, owner-only.
  assert.match(readFileSync(join(work, 'gateway-state', 'gateway.key'), 'utf8'), new RegExp(gatewayKey));
});

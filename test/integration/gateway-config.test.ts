/**
 * `row gateway` configuration: flags and config file share keys, flags win, errors name the
 * key; the generated per-client pxelinux.cfg follows images/boot/README.md's contract; the
 * session key is the client's MAC through its lease.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { UsageError } from '../../src/cli/errors.js';
import {
  GatewayConfigError,
  loadGatewaySettings,
  macOfPxelinuxPath,
  macSessionKey,
  pxelinuxConfig,
  pxelinuxVirtualFiles,
  resolveGatewayConfig,
} from '../../src/gateway/index.js';
import type { GatewaySettings } from '../../src/gateway/index.js';
import type { RpcCallContext } from '../../src/rpc/index.js';

const minimal: GatewaySettings = {
  interface: 'br0',
  address: '10.9.0.1',
  'dhcp-range': '10.9.0.100-10.9.0.120',
  'tftp-root': '/srv/tftp',
  main: '10.8.0.2:2049:/images/tiny',
  state: '/var/lib/rowboot',
};

function keyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof GatewayConfigError, String(error));
    return error.key;
  }
  assert.fail('no error');
}

test('defaults: NFS on 2049, portmap on 111, shadow under the state directory, guard and RA on', () => {
  const config = resolveGatewayConfig(minimal);
  assert.equal(config.nfsPort, 2049);
  assert.equal(config.portmapPort, 111);
  assert.equal(config.shadowDir, '/var/lib/rowboot/shadow');
  assert.deepEqual(config.dhcpRange, { from: '10.9.0.100', to: '10.9.0.120' });
  assert.deepEqual(config.main, { host: '10.8.0.2', port: 2049, exportPath: '/images/tiny' });
  assert.equal(config.dhcpGuard, true);
  assert.equal(config.routerAdvertisements, true);
  assert.deepEqual(resolveGatewayConfig({ ...minimal, 'main-mount-port': '635' }).main?.mountPort, 635);
  assert.deepEqual(resolveGatewayConfig({ ...minimal, 'kernel-args': 'a=1  b' }).kernelArgs, ['a=1', 'b']);
});

test('every invalid or missing value names its key', () => {
  for (const key of ['interface', 'address', 'dhcp-range', 'tftp-root', 'main', 'state'] as const) {
    const { [key]: _dropped, ...rest } = minimal;
    assert.equal(keyOf(() => resolveGatewayConfig(rest)), key, `missing ${key}`);
  }
  assert.equal(keyOf(() => resolveGatewayConfig({ ...minimal, address: '10.9.0' })), 'address');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...minimal, 'dhcp-range': '10.9.0.100' })), 'dhcp-range');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...minimal, main: '10.8.0.2:/x' })), 'main');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...minimal, 'main-mount-port': 70000 })), 'main-mount-port');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...minimal, metrics: 'nope' })), 'metrics');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...minimal, 'dhcp-guard': 'maybe' })), 'dhcp-guard');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...minimal, 'kernel-args': 'a\nb' })), 'kernel-args');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...minimal, 'dhcp-rnage': 'x' } as GatewaySettings)), 'dhcp-rnage');
});

test('config file: JSON with the flag names as keys, paths relative to the file; flags override it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rowboot-gwcfg-'));
  try {
    const file = join(dir, 'gateway.json');
    writeFileSync(file, JSON.stringify({ ...minimal, state: 'state', 'tftp-root': 'tftp', 'nfs-port': 12049, 'dhcp-guard': false }));
    const settings = loadGatewaySettings(file);
    const config = resolveGatewayConfig(settings);
    assert.equal(config.stateDir, join(dir, 'state'));
    assert.equal(config.tftpRoot, join(dir, 'tftp'));
    assert.equal(config.nfsPort, 12049);
    assert.equal(config.dhcpGuard, false);

    writeFileSync(file, JSON.stringify({ ...minimal, address: 'not-an-address' }));
    const stopSignal = new AbortController().signal;
    const io = { stdout: () => undefined, stderr: () => undefined, stopSignal };
    // The flag wins over the file's bad value, so the error is about the next bad key.
    await assert.rejects(runCli(['gateway', '--config', file, '--address', '10.9.0.1', '--dhcp-range', 'bad'], io), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /dhcp-range/);
      return true;
    });
    await assert.rejects(runCli(['gateway', '--config', file], io), /address: must be an IPv4 address.*config file key "address"/s);
    writeFileSync(file, '[1]');
    await assert.rejects(runCli(['gateway', '--config', file], io), /config: .* must hold a JSON object/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pxelinux.cfg/01-<mac>: root on the gateway, IPAPPEND 2, extra args last; other paths fall through', async () => {
  const options = { serverAddress: '10.9.0.1', exportPath: '/images/tiny', extraArgs: ['rowboot.test=reboot-once'] };
  const text = pxelinuxConfig('52:54:00:aa:bb:cc', options);
  assert.match(text, /^ {2}KERNEL vmlinuz$/m);
  assert.match(text, /^ {2}INITRD initrd.img$/m);
  assert.match(text, /^ {2}APPEND console=tty0 console=ttyS0 quiet rowboot.root=10.9.0.1:\/images\/tiny rowboot.panic=reboot rowboot.test=reboot-once$/m);
  assert.match(text, /^ {2}IPAPPEND 2$/m);
  assert.doesNotMatch(text, /nfsport/, 'portmap on 111 finds the ports');
  assert.match(pxelinuxConfig('52:54:00:aa:bb:cc', { ...options, nfsPort: 12049 }), /rowboot.nfsport=12049 rowboot.mountport=12049/);

  assert.equal(macOfPxelinuxPath('pxelinux.cfg/01-52-54-00-AA-bb-cc'), '52:54:00:aa:bb:cc');
  assert.equal(macOfPxelinuxPath('pxelinux.cfg/default'), undefined);
  assert.equal(macOfPxelinuxPath('pxelinux.cfg/C0A8'), undefined);
  const files = pxelinuxVirtualFiles(options);
  const client = { address: '10.9.0.100', port: 2000, family: 'IPv4' as const };
  assert.equal(await files.resolveVirtual('pxelinux.cfg/default', client), undefined);
  assert.equal((await files.resolveVirtual('pxelinux.cfg/01-52-54-00-aa-bb-cc', client))?.toString(), text);
});

test('session key: the MAC of the lease holding the caller address, else the address', () => {
  const key = macSessionKey((address) =>
    address === '10.9.0.100' ? { mac: '52:54:00:aa:bb:cc', clientId: undefined, address, hostName: undefined, state: 'bound', boundUntil: 0 } : undefined,
  );
  const call = (remoteAddress: string) => ({ remoteAddress }) as RpcCallContext;
  assert.equal(key(call('10.9.0.100')), '52:54:00:aa:bb:cc');
  assert.equal(key(call('::ffff:10.9.0.100')), '52:54:00:aa:bb:cc');
  assert.equal(key(call('10.9.0.7')), '10.9.0.7');
});

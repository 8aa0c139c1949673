/** Configuration validation, the nftables guard ruleset and the radvd config. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DhcpResponderOptions } from '../../src/boot/dhcp/index.js';
import { DhcpConfigError, dhcpGuardRuleset, DhcpGuardError, DhcpResponder, radvdConfig, RouterAdvertiserError } from '../../src/boot/dhcp/index.js';

const base: DhcpResponderOptions = { serverAddress: '10.9.0.1', range: { from: '10.9.0.100', to: '10.9.0.200' } };

function keyOf(options: DhcpResponderOptions): string | undefined {
  try {
    new DhcpResponder(options);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof DhcpConfigError, String(error));
    return error.key;
  }
}

test('configuration errors name the key', () => {
  assert.equal(keyOf(base), undefined);
  assert.equal(keyOf({ ...base, serverAddress: '10.9.0' }), 'serverAddress');
  assert.equal(keyOf({ ...base, range: { from: '10.8.0.1', to: '10.9.0.5' } }), 'range.from');
  assert.equal(keyOf({ ...base, range: { from: '10.9.0.100', to: '10.9.0.255' } }), 'range.to');
  assert.equal(keyOf({ ...base, range: { from: '10.9.0.100', to: '10.9.0.50' } }), 'range');
  assert.equal(keyOf({ ...base, prefixLength: 31 }), 'prefixLength');
  assert.equal(keyOf({ ...base, staticLeases: [{ mac: 'nope', address: '10.9.0.5' }] }), 'staticLeases[0].mac');
  assert.equal(keyOf({ ...base, staticLeases: [{ mac: '52:54:00:00:00:01', address: '10.9.1.5' }] }), 'staticLeases[0].address');
  assert.equal(
    keyOf({ ...base, staticLeases: [{ mac: '52:54:00:00:00:01', address: '10.9.0.5' }, { mac: '52-54-00-00-00-01', address: '10.9.0.6' }] }),
    'staticLeases[1].mac',
  );
  assert.equal(keyOf({ ...base, routers: ['10.9.0.1', 'x'] }), 'routers[1]');
  assert.equal(keyOf({ ...base, leaseTimeSeconds: 0 }), 'leaseTimeSeconds');
  assert.equal(keyOf({ ...base, clientPort: 70000 }), 'clientPort');
});

test('the guard ruleset drops DHCP requests in and replies out on every interface but the host-only one', () => {
  const rules = dhcpGuardRuleset({ interface: 'eth1' });
  assert.match(rules, /^table inet rowboot_dhcp_guard\ndelete table inet rowboot_dhcp_guard\n/);
  assert.match(rules, /type filter hook input .*\n\s+iifname != "eth1" udp dport 67 drop/);
  assert.match(rules, /type filter hook output .*\n\s+oifname != "eth1" udp sport 67 drop/);
  assert.throws(() => dhcpGuardRuleset({ interface: 'eth1"; flush ruleset' }), DhcpGuardError);
  assert.throws(() => dhcpGuardRuleset({ interface: 'eth1', table: 'x y' }), DhcpGuardError);
});

test('radvd config: M=0, O=0, router lifetime 0, source link-layer address, no prefix', () => {
  const config = radvdConfig('br-host');
  for (const line of ['AdvSendAdvert on;', 'AdvManagedFlag off;', 'AdvOtherConfigFlag off;', 'AdvDefaultLifetime 0;', 'AdvSourceLLAddress on;', 'AdvRASolicitedUnicast on;']) {
    assert.ok(config.includes(line), line);
  }
  assert.doesNotMatch(config, /prefix/i);
  assert.throws(() => radvdConfig('a b'), RouterAdvertiserError);
});

/**
 * The gateway's image main, the parts without a network: the `image` keys of the config (flags
 * and file share them; errors name the key) and the image handles the proxy is given (named by
 * path and version, the same on every holder).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayConfigError, ImageHandles, IMAGE_HANDLE_BYTES, resolveGatewayConfig, type GatewaySettings } from '../../src/gateway/index.js';

const PUBLISHER = 'ab'.repeat(32);
const base: GatewaySettings = {
  interface: 'br0',
  address: '10.9.0.1',
  'dhcp-range': '10.9.0.100-10.9.0.120',
  'tftp-root': '/srv/tftp',
  state: '/var/lib/rowboot',
};
const withImage: GatewaySettings = { ...base, image: 'tiny', publisher: PUBLISHER };

function keyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof GatewayConfigError, String(error));
    return error.key;
  }
  assert.fail('no error');
}

test('image instead of main: latest or a pinned version, with its publisher; defaults for TTL and failover', () => {
  const config = resolveGatewayConfig(withImage);
  assert.equal(config.main, undefined);
  assert.equal(config.image?.name, 'tiny');
  assert.equal(config.image?.version, undefined);
  assert.equal(config.image?.publisherKey.toString('hex'), PUBLISHER);
  assert.equal(config.image?.bootstrap, undefined);
  assert.equal(config.image?.keyFile, undefined);
  assert.equal(config.image?.usersTtlMs, 60_000);
  assert.equal(config.image?.failoverAfterMs, 5000);

  const pinned = resolveGatewayConfig({ ...withImage, image: 'tiny@v7', bootstrap: '10.0.0.1:49737,10.0.0.2:49737', key: '/etc/rowboot/gw.key', 'users-ttl': '9', 'failover-after': 1.5 });
  assert.equal(pinned.image?.version, 7);
  assert.deepEqual(pinned.image?.bootstrap, [{ host: '10.0.0.1', port: 49737 }, { host: '10.0.0.2', port: 49737 }]);
  assert.equal(pinned.image?.keyFile, '/etc/rowboot/gw.key');
  assert.equal(pinned.image?.usersTtlMs, 9000);
  assert.equal(pinned.image?.failoverAfterMs, 1500);
});

test('image errors name their key', () => {
  assert.equal(keyOf(() => resolveGatewayConfig(base)), 'main', 'neither main nor image');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...withImage, main: '10.8.0.2:2049:/images/tiny' })), 'image', 'both');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...base, image: 'tiny' })), 'publisher');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...withImage, publisher: 'nope' })), 'publisher');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...withImage, image: 'tiny@7' })), 'image');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...withImage, image: '../etc' })), 'image');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...withImage, bootstrap: 'host-without-port' })), 'bootstrap');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...withImage, 'users-ttl': '0.1' })), 'users-ttl');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...withImage, 'failover-after': 'soon' })), 'failover-after');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...withImage, 'main-mount-port': 635 })), 'main-mount-port');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...base, main: '10.8.0.2:2049:/images/tiny', publisher: PUBLISHER })), 'publisher', 'image keys without image');
  assert.equal(keyOf(() => resolveGatewayConfig({ ...base, main: '10.8.0.2:2049:/images/tiny', 'users-ttl': 5 })), 'users-ttl');
});

test('image handles: 36 bytes named by version and path, the same in every process, mapped back to the path', () => {
  const handles = new ImageHandles(`${PUBLISHER}/tiny@v1`);
  const root = handles.handleOf('');
  const file = handles.handleOf('etc/hostname');
  assert.equal(root.length, IMAGE_HANDLE_BYTES);
  assert.ok(ImageHandles.looksLikeImageHandle(file));
  assert.notDeepEqual(root, file);
  assert.equal(handles.pathOf(file), 'etc/hostname');
  assert.equal(handles.pathOf(root), '');

  // Another gateway run (or process) names the same file with the same handle, but knows its path only once told.
  const again = new ImageHandles(`${PUBLISHER}/tiny@v1`);
  assert.equal(again.pathOf(file), undefined);
  assert.deepEqual(again.handleOf('etc/hostname'), file);
  assert.equal(again.pathOf(file), 'etc/hostname');

  // Another version never shares a handle.
  assert.notDeepEqual(new ImageHandles(`${PUBLISHER}/tiny@v2`).handleOf('etc/hostname'), file);
  // Server handles are not ours.
  assert.equal(ImageHandles.looksLikeImageHandle(Buffer.alloc(36, 1)), false);
  assert.equal(ImageHandles.looksLikeImageHandle(file.subarray(0, 32)), false);
});

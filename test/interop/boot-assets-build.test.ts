/**
 * Issue 4, item 3: images/build.sh is reproducible and produces what PXELINUX, the kernel and
 * the image server need: the TFTP tree, a boot initramfs whose modules load in dependency
 * order, and a tiny appliance root owned by 0:0 with fixed mtimes. Recipes other than tiny
 * are reserved (debian-minimal exits 2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildBootAssets, cachedBootAssets } from '../helpers/boot-assets.js';
import { CommandError, run } from '../helpers/command.js';
import { repoRoot } from '../helpers/repo-root.js';

interface CpioMember {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  data: Buffer;
}

/** Reads a newc archive (Documentation/driver-api/early-userspace/buffer-format.rst). */
function readNewc(archive: Buffer): CpioMember[] {
  const members: CpioMember[] = [];
  const align4 = (value: number): number => (value + 3) & ~3;
  let offset = 0;
  for (;;) {
    const header = archive.subarray(offset, offset + 110).toString('latin1');
    assert.equal(header.slice(0, 6), '070701', `newc magic at ${offset}`);
    const field = (index: number): number => Number.parseInt(header.slice(6 + index * 8, 14 + index * 8), 16);
    const nameSize = field(11);
    const fileSize = field(6);
    const name = archive.subarray(offset + 110, offset + 110 + nameSize - 1).toString('utf8');
    const dataStart = align4(offset + 110 + nameSize);
    if (name === 'TRAILER!!!') return members;
    members.push({ name, mode: field(1), uid: field(2), gid: field(3), mtime: field(5), data: archive.subarray(dataStart, dataStart + fileSize) });
    offset = align4(dataStart + fileSize);
  }
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).map((entry) => join(entry.parentPath, entry.name));
}

test('images/build.sh is reproducible and fills the TFTP tree', { timeout: 300_000 }, async () => {
  const cached = await cachedBootAssets();
  const scratch = mkdtempSync(join(tmpdir(), 'rowboot-images-'));
  try {
    const fresh = await buildBootAssets(join(scratch, 'out'));
    assert.equal(readFileSync(fresh.manifest, 'utf8'), readFileSync(cached.manifest, 'utf8'), 'same inputs, same bytes');
    assert.deepEqual(readFileSync(fresh.applianceTar), readFileSync(cached.applianceTar));

    const manifest = readFileSync(fresh.manifest, 'utf8');
    for (const file of ['tftp/pxelinux.0', 'tftp/ldlinux.c32', 'tftp/vmlinuz', 'tftp/initrd.img', 'tftp/pxelinux.cfg/default', 'appliance-tiny.tar']) {
      assert.match(manifest, new RegExp(`^[0-9a-f]{64}  ${file.replaceAll('.', '\\.')}$`, 'm'), `manifest lists ${file}`);
    }
    assert.match(manifest, /^input pxelinux \S+$/m);
    assert.match(manifest, /^input kernel \S+-amd64$/m);
    assert.match(manifest, /^input busybox busybox-static \S+$/m);

    const kernelDir = process.env.RB_KERNEL_DIR ?? join(repoRoot, '.cache', 'kernel');
    assert.deepEqual(readFileSync(fresh.kernel), readFileSync(join(kernelDir, 'vmlinuz')));
    // ldlinux.c32 is an ELF module; pxelinux.0 is a raw PXE NBP loaded at 0x7c00.
    assert.deepEqual(readFileSync(fresh.ldlinux).subarray(0, 4), Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    assert.ok(statSync(fresh.pxelinux).size > 20_000);
    const config = readFileSync(join(fresh.tftpDir, 'pxelinux.cfg', 'default'), 'utf8');
    assert.match(config, /^DEFAULT rowboot$/m);
    assert.match(config, /^ {2}KERNEL vmlinuz$/m);
    assert.match(config, /^ {2}INITRD initrd\.img$/m);
    assert.match(config, /^ {2}APPEND console=tty0 console=ttyS0 quiet rowboot\.panic=reboot$/m);
    assert.match(config, /^ {2}IPAPPEND 2$/m);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('the boot initramfs holds busybox, /init, the udhcpc script and the modules in dependency order', { timeout: 300_000 }, async () => {
  const assets = await cachedBootAssets();
  const members = readNewc(gunzipSync(readFileSync(assets.initrd)));
  const byName = new Map(members.map((member) => [member.name, member]));
  const names = members.map((member) => member.name);
  assert.deepEqual(names, [...names].sort(), 'sorted entries');
  for (const member of members) {
    assert.equal(member.uid, 0, member.name);
    assert.equal(member.gid, 0, member.name);
    assert.equal(member.mtime, 0, member.name);
  }
  const init = byName.get('init');
  assert.equal((init?.mode ?? 0) & S_IFMT, S_IFREG);
  assert.equal((init?.mode ?? 0) & 0o777, 0o755);
  assert.deepEqual(init?.data, readFileSync(join(repoRoot, 'images', 'boot', 'init')));
  assert.equal((byName.get('etc/rowboot/udhcpc.script')?.mode ?? 0) & 0o777, 0o755);
  assert.deepEqual(byName.get('bin/busybox')?.data, readFileSync(process.env.RB_BUSYBOX ?? '/bin/busybox'));
  for (const applet of ['sh', 'udhcpc', 'switch_root', 'insmod', 'mount', 'ip', 'setsid', 'cttyhack']) {
    const member = byName.get(`bin/${applet}`);
    assert.equal((member?.mode ?? 0) & S_IFMT, S_IFLNK, `bin/${applet} is a symlink`);
    assert.equal(member?.data.toString(), '../bin/busybox');
  }
  for (const dir of ['dev', 'proc', 'sys', 'run', 'newroot']) assert.ok(byName.has(dir), dir);

  const order = (byName.get('etc/rowboot/modules')?.data.toString() ?? '').trim().split('\n');
  // architecture.md: the virtio-net and NFSv3 chain, in this order.
  const verified = ['failover', 'net_failover', 'virtio_ring', 'virtio', 'virtio_pci_legacy_dev', 'virtio_pci_modern_dev', 'virtio_pci', 'virtio_net',
    'sunrpc', 'grace', 'lockd', 'nfs_acl', 'netfs', 'fscache', 'nfs', 'nfsv3'];
  assert.deepEqual(order.filter((name) => verified.includes(name)), verified);
  assert.ok(order.includes('e1000') && order.includes('e1000e'), 'the common emulated Intel NICs');
  for (const name of order) {
    const module = byName.get(`lib/modules/${name}.ko`);
    assert.deepEqual(module?.data.subarray(0, 4), Buffer.from([0x7f, 0x45, 0x4c, 0x46]), `${name}.ko is an uncompressed ELF`);
  }
});

test('the tiny appliance root is owned by 0:0 with fixed mtimes, and /sbin/init is the marker script', { timeout: 300_000 }, async () => {
  const assets = await cachedBootAssets();
  const root = assets.applianceRoot;
  for (const path of [root, ...walk(root)]) {
    const stat = lstatSync(path);
    assert.equal(stat.uid, 0, path);
    assert.equal(stat.gid, 0, path);
    assert.equal(stat.mtimeMs, 0, path);
  }
  const init = lstatSync(join(root, 'sbin', 'init'));
  assert.ok(init.isFile() && (init.mode & 0o111) !== 0, '/sbin/init is an executable script, not the busybox applet');
  assert.deepEqual(readFileSync(join(root, 'sbin', 'init')), readFileSync(join(repoRoot, 'images', 'appliance', 'tiny', 'init')));
  assert.equal(readlinkSync(join(root, 'usr', 'bin', '[')), '../../bin/busybox');
  assert.equal(readlinkSync(join(root, 'bin', 'sh')), '../bin/busybox');
  assert.equal(existsSync(join(root, 'linuxrc')), false);
  assert.equal(statSync(join(root, 'tmp')).mode & 0o7777, 0o1777);
  for (const dir of ['dev', 'proc', 'sys', 'run', 'var/log', 'var/lib', 'home/user']) assert.ok(statSync(join(root, dir)).isDirectory(), dir);
  assert.equal(readFileSync(join(root, 'etc', 'hostname'), 'utf8'), 'rowboot-tiny\n');

  const { text } = await run('tar', ['--list', '--verbose', '--numeric-owner', '--file', assets.applianceTar]);
  const lines = text.trim().split('\n');
  assert.ok(lines.every((line) => / 0\/0 /.test(line)), 'tar members owned by 0/0');
  const tarNames = lines.map((line) => line.split(/\s+/)[5] ?? '');
  assert.equal(tarNames.filter((name) => name !== './').length, walk(root).length, 'the tar holds the whole tree');
});

test('the appliance builder honours SOURCE_DATE_EPOCH; debian-minimal is reserved (exit 2), unknown recipes fail', { timeout: 120_000 }, async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'rowboot-recipe-'));
  const builder = join(repoRoot, 'images', 'appliance', 'build.sh');
  try {
    const epoch = 1_700_000_000;
    await run('bash', [builder, 'tiny', join(scratch, 'tiny')], { env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) } });
    const tiny = join(scratch, 'tiny');
    for (const path of [tiny, ...walk(tiny)]) assert.equal(lstatSync(path).mtimeMs, epoch * 1000, relative(tiny, path));

    const reserved = await run('bash', [builder, 'debian-minimal', join(scratch, 'debian')]).then(
      () => assert.fail('debian-minimal should not build yet'),
      (error: unknown) => error as CommandError,
    );
    assert.ok(reserved instanceof CommandError);
    assert.equal(reserved.exitCode, 2);
    assert.match(reserved.stderr, /not implemented yet/);
    assert.equal(existsSync(join(scratch, 'debian')), false);

    const unknown = await run('bash', [builder, 'nonsense', join(scratch, 'x')]).then(
      () => assert.fail('an unknown recipe should fail'),
      (error: unknown) => error as CommandError,
    );
    assert.equal(unknown.exitCode, 1);
    assert.match(unknown.stderr, /unknown recipe 'nonsense'/);
    assert.deepEqual(readdirSync(scratch).sort(), ['tiny'], 'no staging directories left behind');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('the boot scripts parse (bash -n, busybox ash -n)', async () => {
  const images = join(repoRoot, 'images');
  for (const script of ['build.sh', 'boot/build-initramfs.sh', 'boot/build-tftp.sh', 'boot/common.sh', 'appliance/build.sh', 'appliance/recipes/tiny.sh', 'appliance/recipes/debian-minimal.sh']) {
    await run('bash', ['-n', join(images, script)]);
  }
  for (const script of ['boot/init', 'boot/udhcpc.script', 'appliance/tiny/init']) {
    await run(process.env.RB_BUSYBOX ?? '/bin/busybox', ['ash', '-n', join(images, script)]);
  }
});

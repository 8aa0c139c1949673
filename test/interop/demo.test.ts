/**
 * `row demo` as a user runs it (the compiled CLI, as root): headless, it PXE-boots the tiny
 * appliance through `row gateway` in its own namespaces, exits 0 once the guest reached its
 * marker, and prints the summary; on Ctrl-C (SIGINT) it stops everything it started and
 * deletes its namespaces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, run, sleep } from '../helpers/command.js';

const rowEntry = fileURLToPath(new URL('../../src/cli/row.js', import.meta.url));
/** This suite's namespace prefix (row demo --netns-prefix). */
const NETNS_PREFIX = 'rbq';

interface DemoRun {
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  pid: number;
}

function startDemo(args: readonly string[], timeoutMs: number): DemoRun {
  const child = spawn(process.execPath, [rowEntry, 'demo', '--netns-prefix', NETNS_PREFIX, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    }),
  );
  if (child.pid === undefined) throw new Error('cannot start row demo');
  return { output: () => text, exit, pid: child.pid };
}

function namespacesOf(output: string): string[] {
  const match = /network: namespace (\S+) .* and (\S+) \(image server/.exec(output);
  assert.ok(match, `no namespace line in:\n${output}`);
  return [match[1] ?? '', match[2] ?? ''];
}

async function waitForOutput(demo: DemoRun, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!pattern.test(demo.output())) {
    if (performance.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${demo.output()}`);
    await sleep(100);
  }
}

test('row demo --headless PXE-boots a diskless VM through row gateway, exits 0 and prints the summary', { timeout: 330_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rowboot-demo-'));
  try {
    const demo = startDemo(['--headless', '--dir', dir], 300_000);
    const { code } = await demo.exit;
    const output = demo.output();
    for (const line of output.trimEnd().split('\n')) t.diagnostic(line);
    assert.equal(code, 0, output);
    assert.match(output, /ROWBOOT-APPLIANCE-UP rowboot-525400de3001/);
    const boot = /boot time +(\d+\.\d) s power-on -> ROWBOOT-APPLIANCE-UP \(initramfs at (\d+\.\d) s\)/.exec(output);
    assert.ok(boot, 'boot time line');
    assert.ok(Number(boot[2]) < Number(boot[1]), 'the initramfs starts before the appliance is up');
    const image = /image server +read (\S+ [kM]?B) of the (\S+ [kM]?B) image \((\d+)%\) in (\d+) RPCs/.exec(output);
    assert.ok(image, 'image server line');
    assert.ok(Number(image[3]) > 0 && Number(image[4]) > 0, 'the VM read its root from the image server');
    // The appliance writes /var/log/boot-count and /home/user/hello (a line of ~90 bytes).
    const shadow = /shadow +wrote (\d+) B \(WRITE payload\)/.exec(output);
    assert.ok(shadow && Number(shadow[1]) > 50, 'shadow line');
    assert.match(output, /NFS calls +\d+ from the VM: \d+ RPCs to the image server, \d+ to the shadow, \d+ answered by the gateway itself/);
    assert.match(output, /by procedure +.*\bLOOKUP \d+.*\bREAD \d+/);
    assert.match(output, /by procedure +.*\bWRITE \d+/);
    const { text: namespaces } = await run('ip', ['netns', 'list']);
    for (const name of namespacesOf(output)) assert.ok(!namespaces.includes(name), `${name} deleted`);
    assert.ok(existsSync(join(dir, 'pxe', 'logs', 'gateway.log')), 'the gateway log stays for the user');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('row demo stops everything it started and deletes its namespaces on Ctrl-C', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rowboot-demo-'));
  try {
    const demo = startDemo(['--headless', '--dir', dir], 100_000);
    await waitForOutput(demo, /powered on a diskless VM/, 60_000);
    const names = namespacesOf(demo.output());
    const pids: number[] = [];
    for (const name of names) {
      const { text } = await run('ip', ['netns', 'pids', name]);
      pids.push(...text.split('\n').filter((line) => line.trim() !== '').map(Number));
    }
    // The image server, the gateway (and its radvd) and QEMU.
    assert.ok(pids.length >= 3, `processes in ${names.join(', ')}: ${pids.join(' ')}`);
    const stopAsked = performance.now();
    process.kill(demo.pid, 'SIGINT');
    const { code } = await demo.exit;
    const stopMs = performance.now() - stopAsked;
    assert.equal(code, 130, demo.output());
    assert.ok(stopMs < 20_000, `stopped in ${Math.round(stopMs)} ms`);
    assert.match(demo.output(), /deleted \S+ and \S+/);
    const { text } = await run('ip', ['netns', 'list']);
    for (const name of names) assert.ok(!text.includes(name), `${name} deleted`);
    for (const pid of pids) assert.equal(isAlive(pid), false, `process ${pid} stopped`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Proves netns.ts never leaves a namespace (or a process inside one) behind: after destroy(),
 * when the owning process exits or throws or is signalled, and — via the sweeper — when the
 * owner is SIGKILLed and no hook can run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { isAlive, run, signalPid, sleep } from '../helpers/command.js';
import { createNetns, NetnsError, sweepStaleNetns, withNetns } from '../helpers/netns.js';

const netnsModule = new URL('../helpers/netns.js', import.meta.url).href;

async function namespaceExists(name: string): Promise<boolean> {
  const { text } = await run('ip', ['netns', 'list']);
  return text.split('\n').some((line) => line.split(' ')[0] === name);
}

async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(20);
  return !isAlive(pid);
}

// The child creates a namespace, starts a process inside it, reports both, then ends as told
// once the test writes a line to its stdin.
const childScript = `
import { createNetns } from ${JSON.stringify(netnsModule)};
const ns = await createNetns();
const inner = ns.spawn('sleep', ['600'], { stdio: 'ignore' });
await new Promise((resolve) => setTimeout(resolve, 100));
console.log(JSON.stringify({ name: ns.name, innerPid: inner.pid }));
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
const mode = process.argv[1];
if (mode === 'exit') process.exit(3);
if (mode === 'throw') throw new Error('the test failed');
setInterval(() => {}, 1000);
`;

interface ChildReport {
  name: string;
  innerPid: number;
}

async function startChild(mode: string): Promise<{ report: ChildReport; exited: Promise<unknown[]>; pid: number; go(): void }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', childScript, mode], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  assert.ok(child.pid !== undefined);
  return { report: JSON.parse(line) as ChildReport, exited, pid: child.pid, go: () => child.stdin.write('go\n') };
}

test('destroy() removes the namespace, its veth and the processes inside', async () => {
  const ns = await createNetns();
  const inner = ns.spawn('sleep', ['600'], { stdio: 'ignore' });
  assert.ok(inner.pid !== undefined);
  assert.ok(await namespaceExists(ns.name));
  assert.match(ns.name, /^rbh[0-9a-f]{8}$/);
  const { text: bridge } = await run('ip', ['-n', ns.name, '-4', '-o', 'addr', 'show', ns.bridge]);
  assert.match(bridge, new RegExp(`inet ${ns.nsAddress.replaceAll('.', '\\.')}/24`));
  const { text: host } = await run('ip', ['-4', '-o', 'addr', 'show', ns.hostInterface]);
  assert.match(host, new RegExp(`inet ${ns.hostAddress.replaceAll('.', '\\.')}/24`));
  await ns.destroy();
  assert.equal(await namespaceExists(ns.name), false);
  assert.equal(await waitGone(inner.pid), true, 'process inside the namespace was killed');
  await assert.rejects(run('ip', ['link', 'show', ns.hostInterface]));
  await ns.destroy(); // idempotent
});

test('withNetns cleans up when the body throws; bad prefixes are refused', async () => {
  let name = '';
  await assert.rejects(
    withNetns(async (ns) => {
      name = ns.name;
      throw new Error('body failed');
    }),
    /body failed/,
  );
  assert.equal(await namespaceExists(name), false);
  await assert.rejects(createNetns({ prefix: 'other' }), NetnsError);
});

for (const mode of ['exit', 'throw', 'SIGTERM', 'SIGINT'] as const) {
  test(`the owner's hooks remove the namespace on ${mode}`, async () => {
    const child = await startChild(mode);
    assert.ok(await namespaceExists(child.report.name));
    assert.ok(isAlive(child.report.innerPid));
    if (mode === 'SIGTERM' || mode === 'SIGINT') signalPid(child.pid, mode);
    else child.go();
    const [code, signal] = await child.exited;
    if (mode === 'exit') assert.equal(code, 3);
    if (mode === 'SIGTERM' || mode === 'SIGINT') assert.equal(signal, mode);
    assert.equal(await namespaceExists(child.report.name), false);
    assert.equal(await waitGone(child.report.innerPid), true);
  });
}

test('the sweeper removes the namespace of a SIGKILLed owner', async () => {
  const child = await startChild('hang');
  signalPid(child.pid, 'SIGKILL');
  await child.exited;
  // No hook could run: the namespace and the process inside outlive their owner...
  assert.ok(await namespaceExists(child.report.name));
  assert.ok(isAlive(child.report.innerPid));
  // ...until the next sweep. createNetns sweeps too, so a parallel test file may get there first.
  const swept = sweepStaleNetns();
  assert.ok(swept.includes(child.report.name) || !(await namespaceExists(child.report.name)));
  assert.equal(await namespaceExists(child.report.name), false);
  assert.equal(await waitGone(child.report.innerPid), true);
});

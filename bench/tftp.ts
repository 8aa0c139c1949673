/**
 * Issue 4 benchmark: TFTP download rate of our server against dnsmasq's, same client (curl),
 * same file (the Debian kernel when .cache/kernel has it, else 8 MiB of random bytes).
 * dnsmasq serves TFTP on port 69 only, so both servers run inside one private network
 * namespace and curl runs there too, over its loopback. Runs alternate between the servers;
 * each figure is the median of the runs.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { run } from '../test/helpers/command.js';
import { createNetns } from '../test/helpers/netns.js';
import type { Netns } from '../test/helpers/netns.js';
import { repoRoot } from '../test/helpers/repo-root.js';
import type { BenchRow } from './measure.js';

const RUNS = 7;
const CONCURRENT_CLIENTS = 4;
const OUR_PORT = 24069;
const DNSMASQ_PORT = 69;
const LOOPBACK = '127.0.0.1';
const MB = 1e6;
const FALLBACK_KERNEL_BYTES = 8 * 1024 * 1024;
const STARTUP_TIMEOUT_MS = 10_000;

interface Scenario {
  name: string;
  blksize: number;
  clients: number;
}

const scenarios: Scenario[] = [
  { name: 'TFTP kernel download, curl blksize 1468', blksize: 1468, clients: 1 },
  { name: 'TFTP kernel download, curl blksize 512', blksize: 512, clients: 1 },
  { name: `TFTP ${CONCURRENT_CLIENTS} concurrent downloads, blksize 1468`, blksize: 1468, clients: CONCURRENT_CLIENTS },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function prepareRoot(): { root: string; file: string; bytes: number } {
  const root = mkdtempSync(join(tmpdir(), 'rowboot-bench-tftp-'));
  const kernel = join(repoRoot, '.cache', 'kernel', 'vmlinuz');
  const file = 'vmlinuz';
  if (existsSync(kernel)) copyFileSync(kernel, join(root, file));
  else writeFileSync(join(root, file), randomBytes(FALLBACK_KERNEL_BYTES));
  return { root, file, bytes: statSync(join(root, file)).size };
}

/** Downloads `url` with curl inside the namespace `clients` times in parallel; returns MB/s for all bytes. */
async function download(ns: Netns, url: string, blksize: number, clients: number, bytes: number): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, () =>
      ns.exec('curl', ['--silent', '--show-error', '--fail', '--output', '/dev/null', '--tftp-blksize', String(blksize), url], {
        timeoutMs: 120_000,
      }).then(({ stdout }) => stdout),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return (bytes * clients) / MB / seconds;
}

/** Curl's own transfer time for one client (excludes process start-up, ~5 ms of `ip netns exec` + curl). */
async function downloadOne(ns: Netns, url: string, blksize: number, bytes: number): Promise<number> {
  const { text } = await ns.exec(
    'curl',
    ['--silent', '--show-error', '--fail', '--output', '/dev/null', '--write-out', '%{time_total} %{size_download}', '--tftp-blksize', String(blksize), url],
    { timeoutMs: 120_000 },
  );
  const [seconds, size] = text.trim().split(' ').map(Number);
  if (size !== bytes || seconds === undefined || !(seconds > 0)) throw new Error(`curl ${url}: got ${size} bytes in ${seconds} s`);
  return bytes / MB / seconds;
}

async function waitForTftp(ns: Netns, url: string, child: ChildProcess, what: string): Promise<void> {
  const deadline = performance.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}) during start-up`);
    try {
      await ns.exec('curl', ['--silent', '--fail', '--output', '/dev/null', url], { timeoutMs: 5000 });
      return;
    } catch (error) {
      if (performance.now() > deadline) throw new Error(`${what} did not answer TFTP within ${STARTUP_TIMEOUT_MS} ms`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function startDnsmasq(ns: Netns, root: string): ChildProcess {
  return ns.spawn(
    'dnsmasq',
    [
      '--no-daemon',
      '--conf-file=/dev/null',
      '--port=0',
      '--enable-tftp',
      `--tftp-root=${root}`,
      '--user=root',
      '--group=root',
      '--pid-file=',
      '--log-facility=-',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

function startOurs(ns: Netns, root: string): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('./tftp-server-process.js', import.meta.url));
  const child = ns.spawn(process.execPath, [script, root, LOOPBACK, String(OUR_PORT)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const timer = setTimeout(() => reject(new Error('our TFTP server did not start')), STARTUP_TIMEOUT_MS);
    lines.once('line', () => {
      clearTimeout(timer);
      resolve(child);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`our TFTP server exited with ${code}`));
    });
  });
}

async function dnsmasqVersion(): Promise<string> {
  const { text } = await run('dnsmasq', ['--version']);
  return /version (\S+)/.exec(text)?.[1] ?? '?';
}

export async function benchTftp(): Promise<BenchRow[]> {
  const baselineName = `dnsmasq ${await dnsmasqVersion()}`;
  const { root, file, bytes } = prepareRoot();
  const ns = await createNetns({ prefix: 'rbht' });
  try {
    const dnsmasq = startDnsmasq(ns, root);
    const ours = await startOurs(ns, root);
    const ourUrl = `tftp://${LOOPBACK}:${OUR_PORT}/${file}`;
    const theirUrl = `tftp://${LOOPBACK}:${DNSMASQ_PORT}/${file}`;
    await waitForTftp(ns, theirUrl, dnsmasq, 'dnsmasq');
    await waitForTftp(ns, ourUrl, ours, 'our server');
    const rows: BenchRow[] = [];
    for (const scenario of scenarios) {
      const measure = (url: string): Promise<number> =>
        scenario.clients === 1 ? downloadOne(ns, url, scenario.blksize, bytes) : download(ns, url, scenario.blksize, scenario.clients, bytes);
      const ourRates: number[] = [];
      const theirRates: number[] = [];
      for (let runIndex = 0; runIndex < RUNS; runIndex++) {
        // Alternate which server goes first so neither always meets a warmer cache.
        if (runIndex % 2 === 0) {
          ourRates.push(await measure(ourUrl));
          theirRates.push(await measure(theirUrl));
        } else {
          theirRates.push(await measure(theirUrl));
          ourRates.push(await measure(ourUrl));
        }
      }
      rows.push({
        name: `${scenario.name} (${(bytes / MB).toFixed(1)} MB)`,
        unit: 'MB/s',
        rowboot: median(ourRates),
        baseline: median(theirRates),
        baselineName,
        goal: '>= 0.9x',
      });
    }
    return rows;
  } finally {
    await ns.destroy();
    rmSync(root, { recursive: true, force: true });
  }
}

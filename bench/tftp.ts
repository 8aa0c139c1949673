/**
 * Issue 4 benchmark: TFTP download rate of our server against dnsmasq's, same client (curl),
 * same file (the Debian kernel when .cache/kernel has it, else 8 MiB of random bytes).
 * dnsmasq serves TFTP on port 69 only, so both servers run inside one private network
 * namespace and curl runs there too, over its loopback. Runs alternate between the servers;
 * each figure is the median of the runs. Lock-step TFTP is one round trip per block, so the
 * rate follows scheduling latency and swings with other load on the machine; the servers' CPU
 * time per block (from /proc, over all single-stream runs) is the steadier figure.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { run } from '../test/helpers/command.js';
import { createNetns } from '../test/helpers/netns.js';
import type { Netns } from '../test/helpers/netns.js';
import { repoRoot } from '../test/helpers/repo-root.js';
import { median, type BenchRow } from './measure.js';

const RUNS = 9;
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
  /** Also report each server's CPU time per block over this scenario's runs. */
  cpu?: boolean;
}

const scenarios: Scenario[] = [
  { name: 'TFTP kernel download, curl blksize 1468', blksize: 1468, clients: 1, cpu: true },
  { name: 'TFTP kernel download, curl blksize 512', blksize: 512, clients: 1 },
  { name: `TFTP ${CONCURRENT_CLIENTS} concurrent downloads, blksize 1468`, blksize: 1468, clients: CONCURRENT_CLIENTS },
];

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
    Array.from({ length: clients }, async () => {
      const args = ['--silent', '--show-error', '--fail', '--output', '/dev/null', '--write-out', '%{size_download}', '--tftp-blksize', String(blksize), url];
      const { text } = await ns.exec('curl', args, { timeoutMs: 120_000 });
      if (Number(text.trim()) !== bytes) throw new Error(`curl ${url}: got ${text.trim()} bytes, expected ${bytes}`);
    }),
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

/** User + system CPU time of a process so far, in seconds (/proc/<pid>/stat fields 14 and 15). */
function cpuSeconds(pid: number | undefined, ticksPerSecond: number): number {
  if (pid === undefined) throw new Error('server process has no PID');
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 overall; the slice starts at field 3.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

async function clockTicksPerSecond(): Promise<number> {
  const { text } = await run('getconf', ['CLK_TCK']);
  return Number(text.trim()) || 100;
}

async function dnsmasqVersion(): Promise<string> {
  const { text } = await run('dnsmasq', ['--version']);
  return /version (\S+)/.exec(text)?.[1] ?? '?';
}

export async function benchTftp(): Promise<BenchRow[]> {
  const baselineName = `dnsmasq ${await dnsmasqVersion()}`;
  const ticksPerSecond = await clockTicksPerSecond();
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
      let ourCpu = 0;
      let theirCpu = 0;
      const measureOurs = async (): Promise<void> => {
        const before = cpuSeconds(ours.pid, ticksPerSecond);
        ourRates.push(await measure(ourUrl));
        ourCpu += cpuSeconds(ours.pid, ticksPerSecond) - before;
      };
      const measureTheirs = async (): Promise<void> => {
        const before = cpuSeconds(dnsmasq.pid, ticksPerSecond);
        theirRates.push(await measure(theirUrl));
        theirCpu += cpuSeconds(dnsmasq.pid, ticksPerSecond) - before;
      };
      for (let runIndex = 0; runIndex < RUNS; runIndex++) {
        // Alternate which server goes first so neither always meets a warmer cache.
        if (runIndex % 2 === 0) {
          await measureOurs();
          await measureTheirs();
        } else {
          await measureTheirs();
          await measureOurs();
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
      if (scenario.cpu) {
        const blocks = RUNS * scenario.clients * (Math.floor(bytes / scenario.blksize) + 1);
        rows.push({
          name: `TFTP server CPU per block, blksize ${scenario.blksize}`,
          unit: 'us',
          rowboot: (ourCpu / blocks) * 1e6,
          baseline: (theirCpu / blocks) * 1e6,
          baselineName,
          goal: 'lower is better',
        });
      }
    }
    return rows;
  } finally {
    await ns.destroy();
    rmSync(root, { recursive: true, force: true });
  }
}

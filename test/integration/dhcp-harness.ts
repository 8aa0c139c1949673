/**
 * A DHCP test bed made of two private namespaces (architecture.md: traffic stays inside
 * namespaces the test creates):
 *
 *   server ns: rbbr0 (host-only bridge, serverAddress) ── veth ── client ns: rbhdc<N> (udhcpc)
 *              rbhdup0 (the "uplink", 192.0.2.1/24)   ── veth ── client ns: rbhdup1 (udhcpc)
 *
 * The helper's own veth to the host is taken off the bridge, so no DHCP broadcast reaches
 * the host. The server runs as a child process inside the server namespace (dhcp-server-child).
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { DhcpStats, LeaseInfo } from '../../src/boot/dhcp/index.js';
import { run, signalPid, sleep, stopPid } from '../helpers/command.js';
import type { Netns } from '../helpers/netns.js';
import { createNetns } from '../helpers/netns.js';
import type { ChildDhcpConfig } from './dhcp-server-child.js';

const childScript = fileURLToPath(new URL('./dhcp-server-child.js', import.meta.url));
export const UPLINK_SERVER = 'rbhdup0';
export const UPLINK_CLIENT = 'rbhdup1';

export interface DhcpLab {
  server: Netns;
  clients: Netns;
  /** The host-only interface in the server namespace. */
  hostOnly: string;
  serverAddress: string;
  /** `10.A.B.` */
  subnetPrefix: string;
  workDir: string;
  /** Adds a client link on the host-only bridge; returns the client-side interface name. */
  addClientLink(mac?: string): Promise<string>;
  /** Adds the uplink pair (server side 192.0.2.1/24, no DHCP wanted there). */
  addUplink(): Promise<void>;
  destroy(): Promise<void>;
}

export async function createDhcpLab(): Promise<DhcpLab> {
  const server = await createNetns({ prefix: 'rbhd' });
  let clients: Netns | undefined;
  const workDir = mkdtempSync(join(tmpdir(), 'rowboot-dhcp-'));
  try {
    clients = await createNetns({ prefix: 'rbhd' });
    await run('ip', ['-n', server.name, 'link', 'set', 'rbveth0', 'nomaster']);
    const subnetPrefix = server.nsAddress.replace(/\d+$/, '');
    let links = 0;
    const clientNs = clients;
    return {
      server,
      clients: clientNs,
      hostOnly: server.bridge,
      serverAddress: server.nsAddress,
      subnetPrefix,
      workDir,
      async addClientLink(mac?: string) {
        const index = links++;
        const inside = `rbhdc${index}`;
        const peer = `rbhds${index}`;
        await run('ip', ['-n', server.name, 'link', 'add', peer, 'type', 'veth', 'peer', 'name', inside, 'netns', clientNs.name]);
        await run('ip', ['-n', server.name, 'link', 'set', peer, 'master', server.bridge, 'up']);
        if (mac) await run('ip', ['-n', clientNs.name, 'link', 'set', inside, 'address', mac]);
        await run('ip', ['-n', clientNs.name, 'link', 'set', inside, 'up']);
        return inside;
      },
      async addUplink() {
        await run('ip', ['-n', server.name, 'link', 'add', UPLINK_SERVER, 'type', 'veth', 'peer', 'name', UPLINK_CLIENT, 'netns', clientNs.name]);
        await run('ip', ['-n', server.name, 'addr', 'add', '192.0.2.1/24', 'dev', UPLINK_SERVER]);
        await run('ip', ['-n', server.name, 'link', 'set', UPLINK_SERVER, 'up']);
        await run('ip', ['-n', clientNs.name, 'link', 'set', UPLINK_CLIENT, 'up']);
      },
      async destroy() {
        try {
          await clientNs.destroy();
        } finally {
          await server.destroy();
          rmSync(workDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await clients?.destroy();
    await server.destroy();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------

export interface ChildEvent {
  event: string;
  [key: string]: unknown;
}

/** Lines of a child's stdout, and a way to wait for one. */
class LineLog<T> {
  readonly lines: T[] = [];
  private waiters: { test: (line: T) => boolean; resolve: (line: T) => void }[] = [];

  push(line: T): void {
    this.lines.push(line);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.test(line)) return true;
      waiter.resolve(line);
      return false;
    });
  }

  /** Resolves with the first line (already seen after `from`, or future) that passes `test`. */
  waitFor(test: (line: T) => boolean, timeoutMs: number, what: string, from = 0): Promise<T> {
    const seen = this.lines.slice(from).find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got:\n${this.lines.map((line) => JSON.stringify(line)).join('\n')}`)), timeoutMs);
      this.waiters.push({
        test,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }
}

export interface DhcpChild {
  readonly pid: number;
  readonly events: LineLog<ChildEvent>;
  snapshot(): Promise<{ stats: DhcpStats; leases: LeaseInfo[] }>;
  stop(): Promise<void>;
}

export async function startDhcpChild(ns: Netns, config: ChildDhcpConfig): Promise<DhcpChild> {
  const child = ns.spawn(process.execPath, [childScript, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const events = new LineLog<ChildEvent>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as ChildEvent);
    } catch {
      events.push({ event: 'stdout', line });
    }
  });
  const pid = child.pid ?? 0;
  const started = await events.waitFor((line) => line.event === 'ready' || line.event === 'fatal', 10_000, 'the DHCP server to start').catch((error: unknown) => {
    signalPid(pid, 'SIGKILL');
    throw new Error(`${String(error)}\nstderr: ${stderr}`);
  });
  if (started.event === 'fatal') throw new Error(`DHCP server failed to start: ${String(started.error)}\n${stderr}`);
  return {
    pid,
    events,
    async snapshot() {
      const from = events.lines.length;
      child.stdin?.write('stats\n');
      const line = await events.waitFor((entry) => entry.event === 'stats', 5000, 'stats', from);
      return { stats: line.stats as DhcpStats, leases: line.leases as LeaseInfo[] };
    },
    async stop() {
      child.stdin?.end('stop\n');
      await waitExit(child, 3000);
      await stopPid(pid, 1000);
    },
  };
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// ---------------------------------------------------------------------------------------------

/** What udhcpc's script saw at one event (bound, renew, deconfig, nak, leasefail). */
export interface UdhcpcEvent {
  kind: string;
  env: Record<string, string>;
}

export interface Udhcpc {
  readonly pid: number;
  readonly events: LineLog<UdhcpcEvent>;
  readonly output: () => string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  renew(): void;
  release(): void;
  stop(): Promise<void>;
}

const reportedVariables = [
  'interface', 'ip', 'mask', 'subnet', 'serverid', 'lease', 'siaddr', 'sname', 'boot_file', 'tftp', 'bootfile',
  'rootpath', 'router', 'dns', 'domain', 'hostname', 'broadcast', 'message', 'opt175', 'opt58', 'opt59',
];

/** Writes the udhcpc event script: configures the address and reports every variable. */
export function writeUdhcpcScript(dir: string): string {
  const path = join(dir, 'udhcpc.sh');
  const format = reportedVariables.map((name) => `\\t${name}=%s`).join('');
  const values = reportedVariables.map((name) => `"$${name}"`).join(' ');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      'case "$1" in',
      '  deconfig) ip addr flush dev "$interface" ;;',
      '  bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/${mask:-24}" dev "$interface" ;;',
      'esac',
      `printf 'RBHD-EVENT\\t%s${format}\\n' "$1" ${values}`,
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
}

/** Runs `busybox udhcpc -f` in the namespace; extra args e.g. ['-n', '-q', '-t', '3']. */
export function startUdhcpc(ns: Netns, iface: string, script: string, extraArgs: readonly string[] = []): Udhcpc {
  const child = ns.spawn('busybox', ['udhcpc', '-f', '-i', iface, '-s', script, '-T', '1', '-A', '1', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events = new LineLog<UdhcpcEvent>();
  let output = '';
  const onLine = (line: string): void => {
    output += `${line}\n`;
    if (!line.startsWith('RBHD-EVENT\t')) return;
    const [, kind = '', ...pairs] = line.split('\t');
    const env: Record<string, string> = {};
    for (const pair of pairs) {
      const at = pair.indexOf('=');
      if (at > 0 && at < pair.length - 1) env[pair.slice(0, at)] = pair.slice(at + 1);
    }
    events.push({ kind, env });
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', (line) => (output += `${line}\n`));
  const pid = child.pid ?? 0;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    pid,
    events,
    output: () => output,
    exited,
    renew: () => signalPid(pid, 'SIGUSR1'),
    release: () => signalPid(pid, 'SIGUSR2'),
    async stop() {
      await stopPid(pid, 2000);
      await Promise.race([exited, sleep(2000)]);
    },
  };
}

export async function interfaceAddresses(ns: Netns, iface: string): Promise<string[]> {
  const { text } = await ns.exec('ip', ['-4', '-o', 'addr', 'show', 'dev', iface]);
  return [...text.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((match) => match[1] ?? '');
}

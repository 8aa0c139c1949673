/**
 * Starts nfs-ganesha 4.3 (FSAL_VFS, NFSv3 only) as a real NFS server for interop tests.
 *
 * ganesha refuses to start unless it can register with rpcbind ("Cannot register NFS V3 on
 * UDP", exit 2), and a shared host rpcbind would let two parallel ganesha instances overwrite
 * each other's registrations. So each instance gets its own rpcbind inside a private network
 * namespace (netns.ts) and a private mount namespace whose /run is a fresh tmpfs (rpcbind's
 * socket and lock live there). The test process reaches the server at `host` (the namespace's
 * bridge address) through the veth; guests on a tap in the same namespace reach it too.
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { CommandError, isAlive, run, sleep, stopPid } from './command.js';
import { ganeshaConfig } from './ganesha-config.js';
import type { Netns } from './netns.js';
import { createNetns } from './netns.js';

/** ONC RPC program numbers (RFC 1813 Section 1.4 and Appendix I). */
const RpcProgram = { NFS_PROGRAM: 100003, MOUNT_PROGRAM: 100005 } as const;
const NFS_V3 = 3;
const MOUNT_V3 = 3;

/** In-namespace ports from this harness's assigned range (21000-21999); see README note. */
export const GaneshaDefaultPort = { nfs: 21049, mount: 21048 } as const;

export interface GaneshaOptions {
  /** Directory to export (must exist; not under /run, which the instance replaces). */
  exportDir: string;
  readOnly?: boolean;
  /** Run inside this namespace (one ganesha per namespace); default: a new one, destroyed by stop(). */
  netns?: Netns;
  nfsPort?: number;
  mountPort?: number;
  /** Give up if ganesha does not answer NULL calls within this time. Default 30 s. */
  startTimeoutMs?: number;
  /** ganesha log level. Default EVENT. */
  logLevel?: string;
  /** Extra `Key = value;` lines for the EXPORT block. */
  exportExtras?: Readonly<Record<string, string | number | boolean>>;
}

export interface GaneshaInstance {
  /** Address to contact the server at (bridge address inside the namespace). */
  host: string;
  nfsPort: number;
  mountPort: number;
  /** The MOUNT path: the export directory's real path. */
  exportPath: string;
  /** ganesha.nfsd's PID. */
  pid: number;
  rpcbindPid: number;
  netns: Netns;
  /** Holds ganesha.conf, ganesha.log, the PID file and the recovery dir. */
  workDir: string;
  logFile: string;
  /** Time from spawn to both NULL calls answering. */
  startupMs: number;
  /** ganesha's log so far. */
  log(): string;
  /** SIGTERM (then SIGKILL) ganesha and its rpcbind by PID, destroy an owned namespace, remove workDir. */
  stop(): Promise<void>;
}

export class GaneshaError extends Error {
  override readonly name = 'GaneshaError';
}

/** Work dirs of running instances, removed by the exit hook if a test never calls stop(). */
const workDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Processes die with their namespace (netns.ts hooks); only the temp dirs are left here.
  process.on('exit', () => {
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  });
}

// Runs in the private mount namespace: fresh /run, our own rpcbind, then ganesha in the
// foreground so the spawned PID is ganesha's. RBH_WORK comes from the environment so no path
// is ever spliced into shell text.
const launcher = `
set -e
mount -t tmpfs -o mode=0755 rbh-run /run
rpcbind -w -f &
echo $! > "$RBH_WORK/rpcbind.pid"
i=0
while [ ! -S /run/rpcbind.sock ]; do
  i=$((i + 1))
  if [ "$i" -gt 400 ]; then echo "rpcbind did not create /run/rpcbind.sock" >&2; exit 1; fi
  sleep 0.025
done
exec ganesha.nfsd -F -f "$RBH_WORK/ganesha.conf" -L "$RBH_WORK/ganesha.log" -p "$RBH_WORK/ganesha.pid"
`;

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

async function nullCallAnswers(host: string, port: number, program: number, version: number): Promise<boolean> {
  try {
    // rpcinfo -n PORT -t: a NULL call over TCP to a fixed port, bypassing any portmapper.
    await run('rpcinfo', ['-n', String(port), '-t', host, String(program), String(version)], { timeoutMs: 5000 });
    return true;
  } catch (error) {
    if (error instanceof CommandError) return false;
    throw error;
  }
}

async function readPid(path: string, deadlineMs: number): Promise<number> {
  while (performance.now() < deadlineMs) {
    const pid = Number.parseInt(readText(path).trim(), 10);
    if (Number.isInteger(pid) && pid > 0) return pid;
    await sleep(20);
  }
  throw new GaneshaError(`no PID in ${path}`);
}

export async function startGanesha(options: GaneshaOptions): Promise<GaneshaInstance> {
  if (!isAbsolute(options.exportDir)) throw new GaneshaError(`exportDir must be absolute: ${options.exportDir}`);
  const exportPath = realpathSync(options.exportDir);
  if (exportPath === '/run' || exportPath.startsWith('/run/')) {
    throw new GaneshaError(`exportDir ${exportPath} is under /run, which ganesha's mount namespace replaces`);
  }
  const nfsPort = options.nfsPort ?? GaneshaDefaultPort.nfs;
  const mountPort = options.mountPort ?? GaneshaDefaultPort.mount;
  if (nfsPort === mountPort) throw new GaneshaError(`nfsPort and mountPort must differ (both ${nfsPort})`);
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;

  installExitHook();
  const workDir = mkdtempSync(join(tmpdir(), 'rbh-ganesha-'));
  workDirs.add(workDir);
  const logFile = join(workDir, 'ganesha.log');
  const outputFile = join(workDir, 'launcher.out');
  const recoveryRoot = join(workDir, 'recovery');
  mkdirSync(recoveryRoot);
  writeFileSync(
    join(workDir, 'ganesha.conf'),
    ganeshaConfig({
      exportPath,
      readOnly: options.readOnly ?? false,
      nfsPort,
      mountPort,
      recoveryRoot,
      logLevel: options.logLevel ?? 'EVENT',
      exportExtras: options.exportExtras,
    }),
  );

  const ownsNetns = options.netns === undefined;
  const netns = options.netns ?? (await createNetns());
  let child: ChildProcess | undefined;
  let exited = false;
  let rpcbindPid = 0;
  const cleanup = async (): Promise<void> => {
    if (child?.pid !== undefined && !exited) {
      const gone = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
      await stopPid(child.pid);
      await Promise.race([gone, sleep(2000)]);
    }
    if (rpcbindPid > 0) await stopPid(rpcbindPid);
    if (ownsNetns) await netns.destroy();
    rmSync(workDir, { recursive: true, force: true });
    workDirs.delete(workDir);
  };

  const started = performance.now();
  try {
    const output = openSync(outputFile, 'a');
    try {
      child = netns.spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', launcher], {
        stdio: ['ignore', output, output],
        env: { ...process.env, RBH_WORK: workDir },
      });
    } finally {
      closeSync(output);
    }
    const spawned = child;
    spawned.once('exit', () => {
      exited = true;
    });
    const spawnError = new Promise<never>((_, reject) => {
      spawned.once('error', (cause) => reject(new GaneshaError(`cannot spawn ganesha: ${cause.message}`, { cause })));
    });
    spawnError.catch(() => undefined);

    const deadline = started + startTimeoutMs;
    const ready = (async (): Promise<void> => {
      for (;;) {
        if (exited) {
          throw new GaneshaError(
            `ganesha exited during startup (code ${spawned.exitCode}, signal ${spawned.signalCode}); ` +
              `launcher: ${lastLines(readText(outputFile), 5)}; log: ${lastLines(readText(logFile), 8)}`,
          );
        }
        if (performance.now() > deadline) {
          throw new GaneshaError(`ganesha did not answer within ${startTimeoutMs} ms; log: ${lastLines(readText(logFile), 8)}`);
        }
        if (
          (await nullCallAnswers(netns.nsAddress, nfsPort, RpcProgram.NFS_PROGRAM, NFS_V3)) &&
          (await nullCallAnswers(netns.nsAddress, mountPort, RpcProgram.MOUNT_PROGRAM, MOUNT_V3))
        ) {
          return;
        }
        await sleep(50);
      }
    })();
    await Promise.race([ready, spawnError]);
    rpcbindPid = await readPid(join(workDir, 'rpcbind.pid'), deadline);
  } catch (error) {
    await cleanup();
    throw error;
  }
  const startupMs = performance.now() - started;
  const pid = child.pid;
  if (pid === undefined || !isAlive(pid)) {
    await cleanup();
    throw new GaneshaError('ganesha has no PID after startup');
  }

  let stopping: Promise<void> | undefined;
  return {
    host: netns.nsAddress,
    nfsPort,
    mountPort,
    exportPath,
    pid,
    rpcbindPid,
    netns,
    workDir,
    logFile,
    startupMs,
    log: () => readText(logFile),
    stop: () => (stopping ??= cleanup()),
  };
}

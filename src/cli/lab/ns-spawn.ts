import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { spawn } from 'node:child_process';

/**
 * Spawns a program inside a namespace (`ip netns exec` execs it, so the PID is the
 * program's own). Detached into its own process group: a Ctrl-C in the terminal reaches only
 * the lab's owner, which then stops its children in order (the gateway last, after its
 * metrics were read); the namespace hooks kill them if the owner dies first.
 */
export function spawnInNetns(netns: string, command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn('ip', ['netns', 'exec', netns, command, ...args], { ...options, detached: true });
}

/** Resolves with the exit code or signal name once the child has exited (at once if it has). */
export function exitOf(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode ?? 'unknown');
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', () => resolve('spawn-error'));
  });
}

export function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

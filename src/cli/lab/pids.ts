/** Process helpers by PID: the lab never signals anything it did not start, and never by name. */
import { readFileSync } from 'node:fs';

/** Sends a signal to one PID, ignoring "no such process". */
export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), so a
 * recorded PID can be told apart from a later process that reused the number; undefined if gone.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)", which may contain spaces, start at field 3: field 22 is index 19.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

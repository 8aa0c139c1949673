import { spawn } from 'node:child_process';

/** argv that runs `command` inside network namespace `netns` (ip netns exec) or directly. */
export function inNetns(netns: string | undefined, command: string, args: readonly string[]): [string, string[]] {
  return netns === undefined ? [command, [...args]] : ['ip', ['netns', 'exec', netns, command, ...args]];
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a system tool to completion (stdin from `input`); rejects only if it cannot start. */
export function runTool(command: string, args: readonly string[], input?: string): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

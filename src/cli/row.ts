#!/usr/bin/env node
/** The `row` command: the only place that turns errors into exit codes. */
import './v8-memory.js';
import { UsageError } from './errors.js';
import { runCli } from './main.js';

const EXIT_USAGE = 2;
const EXIT_BUG = 70; // sysexits.h EX_SOFTWARE

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => stop.abort());
}

try {
  const code = await runCli(process.argv.slice(2), {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    stopSignal: stop.signal,
    terminal: process.stdin.isTTY ? { input: process.stdin, write: (text) => process.stdout.write(text) } : undefined,
  });
  process.exit(code);
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`row: ${error.message}\n`);
    process.exit(EXIT_USAGE);
  }
  process.stderr.write(`row: internal error (please report): ${(error as Error).stack ?? String(error)}\n`);
  process.exit(EXIT_BUG);
}

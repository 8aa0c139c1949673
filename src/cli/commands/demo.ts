import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { LabError } from '../lab/index.js';
import { parseFlags } from '../parse-flags.js';
import type { Command } from './command.js';
import { runNfsOnlyDemo } from './demo/nfs-only.js';
import { runPxeDemo } from './demo/pxe-demo.js';

const usage = 'row demo [--headless] [--reboot] [--dir DIR] [--boot-timeout SECONDS] [--netns-prefix PREFIX] | row demo --nfs-only [--dir DIR] [--serve]';
const DEFAULT_BOOT_TIMEOUT_SECONDS = 240;
const MS_PER_SECOND = 1000;

function bootTimeoutMs(value: string | undefined): number {
  const seconds = Number(value ?? DEFAULT_BOOT_TIMEOUT_SECONDS);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--boot-timeout: expected a positive number of seconds, got '${value}'\nusage: ${usage}`);
  return seconds * MS_PER_SECOND;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, {
    dir: { type: 'string', default: '.cache/demo' },
    headless: { type: 'boolean', default: false },
    reboot: { type: 'boolean', default: false },
    'boot-timeout': { type: 'string' },
    // Namespaces are named PREFIX + random hex; tests give their own prefix.
    'netns-prefix': { type: 'string', default: 'rbdemo' },
    'nfs-only': { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
  }, usage);
  const dir = resolve(values.dir ?? '.cache/demo');
  if (values['nfs-only']) return runNfsOnlyDemo(dir, values.serve === true, io);
  if (values.serve) throw new UsageError(`--serve goes with --nfs-only\nusage: ${usage}`);
  try {
    return await runPxeDemo(
      {
        dir,
        netnsPrefix: values['netns-prefix'] ?? 'rbdemo',
        headless: values.headless === true,
        reboot: values.reboot === true,
        bootTimeoutMs: bootTimeoutMs(values['boot-timeout']),
      },
      io,
    );
  } catch (error) {
    // The lab failed to build (a tool, a namespace, a server that never got ready): say so, exit 1.
    if (!(error instanceof LabError)) throw error;
    io.stderr(`row demo: ${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`);
    return 1;
  }
}

export const demoCommand: Command = {
  summary: 'PXE-boot a diskless QEMU VM through row gateway in a private network and summarize what it read and wrote',
  usage,
  run,
};

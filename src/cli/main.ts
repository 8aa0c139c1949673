import type { Command } from './commands/command.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

/**
 * Commands load on demand: a `row proxy` never loads the DHT stack. Loading sodium-native
 * (through hyperdht) changes V8's garbage collection for the whole process: with it the
 * proxy ran ~25 full GCs per 256 MiB read instead of 2 and spent twice the CPU per byte.
 */
const commands: ReadonlyMap<string, () => Promise<Command>> = new Map([
  ['nfsd', async () => (await import('./commands/nfsd.js')).nfsdCommand],
  ['proxy', async () => (await import('./commands/proxy.js')).proxyCommand],
  ['gateway', async () => (await import('./commands/gateway.js')).gatewayCommand],
  ['dht', async () => (await import('./commands/dht.js')).dhtCommand],
  ['keygen', async () => (await import('./commands/keygen.js')).keygenCommand],
  ['serve', async () => (await import('./commands/serve.js')).serveCommand],
  ['publish', async () => (await import('./commands/publish.js')).publishCommand],
  ['resolve', async () => (await import('./commands/resolve.js')).resolveCommand],
  ['refs', async () => (await import('./commands/refs.js')).refsCommand],
  ['gc', async () => (await import('./commands/gc.js')).gcCommand],
  ['demo', async () => (await import('./commands/demo.js')).demoCommand],
]);

async function helpText(): Promise<string> {
  const width = Math.max(...[...commands.keys()].map((name) => name.length));
  const lines: string[] = [];
  for (const [name, load] of commands) lines.push(`  ${name.padEnd(width)}  ${(await load()).summary}`);
  return ['usage: row <command> [flags]', '', 'commands:', ...lines, '', "run 'row <command> --help' for its flags"].join('\n');
}

/** Runs `row` with argv (without node and script); returns the exit code. Tests call this directly. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(await helpText());
    return name === undefined ? 2 : 0;
  }
  const load = commands.get(name);
  if (!load) throw new UsageError(`unknown command '${name}'\n${await helpText()}`);
  const command = await load();
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`usage: ${command.usage}`);
    return 0;
  }
  return command.run(args, io);
}

import type { Command } from './commands/command.js';
import { demoCommand } from './commands/demo.js';
import { dhtCommand } from './commands/dht.js';
import { gatewayCommand } from './commands/gateway.js';
import { gcCommand } from './commands/gc.js';
import { keygenCommand } from './commands/keygen.js';
import { nfsdCommand } from './commands/nfsd.js';
import { proxyCommand } from './commands/proxy.js';
import { publishCommand } from './commands/publish.js';
import { refsCommand } from './commands/refs.js';
import { resolveCommand } from './commands/resolve.js';
import { serveCommand } from './commands/serve.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

const commands: ReadonlyMap<string, Command> = new Map([
  ['nfsd', nfsdCommand],
  ['proxy', proxyCommand],
  ['gateway', gatewayCommand],
  ['dht', dhtCommand],
  ['keygen', keygenCommand],
  ['serve', serveCommand],
  ['publish', publishCommand],
  ['resolve', resolveCommand],
  ['refs', refsCommand],
  ['gc', gcCommand],
  ['demo', demoCommand],
]);

function helpText(): string {
  const width = Math.max(...[...commands.keys()].map((name) => name.length));
  const lines = [...commands].map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return ['usage: row <command> [flags]', '', 'commands:', ...lines, '', "run 'row <command> --help' for its flags"].join('\n');
}

/** Runs `row` with argv (without node and script); returns the exit code. Tests call this directly. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout(helpText());
    return name === undefined ? 2 : 0;
  }
  const command = commands.get(name);
  if (!command) throw new UsageError(`unknown command '${name}'\n${helpText()}`);
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`usage: ${command.usage}`);
    return 0;
  }
  return command.run(args, io);
}

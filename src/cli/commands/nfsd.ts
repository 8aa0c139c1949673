import { resolve } from 'node:path';
import { startNfsd } from '../../nfsd/index.js';
import { UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseListenAddress } from '../listen-address.js';
import { parseFlags, requireFlag } from '../parse-flags.js';
import { defaultStateDir } from '../state-dir.js';
import type { Command } from './command.js';

const usage = 'row nfsd --export DIR --listen HOST:PORT [--read-only] [--portmap] [--state DIR]';

async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(args, {
    export: { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1:2049' },
    'read-only': { type: 'boolean', default: false },
    portmap: { type: 'boolean', default: false },
    state: { type: 'string' },
  }, usage);
  const exportDir = resolve(requireFlag(values.export, '--export', usage));
  const listen = parseListenAddress(values.listen ?? '', '--listen');
  const stateDir = values.state ? resolve(values.state) : defaultStateDir('nfsd', exportDir);
  let nfsd;
  try {
    nfsd = await startNfsd({
      exportDir,
      host: listen.host,
      port: listen.port,
      readOnly: values['read-only'] ?? false,
      stateDir,
      portmap: values.portmap ?? false,
    });
  } catch (error) {
    throw new UsageError(`cannot start nfsd on ${values.listen}: ${(error as Error).message}`, { cause: error });
  }
  io.stdout(`row nfsd: exporting ${nfsd.exportPath}${values['read-only'] ? ' read-only' : ''} on ${listen.host}:${nfsd.port} (tcp+udp; NFS v3, MOUNT v3, portmap v2)`);
  io.stdout(`mount with: mount -t nfs -o vers=3,tcp,nolock,noacl,port=${nfsd.port},mountport=${nfsd.port} ${listen.host}:${nfsd.exportPath} /mnt`);
  await new Promise<void>((done) => io.stopSignal.addEventListener('abort', () => done(), { once: true }));
  await nfsd.close();
  io.stdout('row nfsd: stopped');
  return 0;
}

export const nfsdCommand: Command = { summary: 'serve a local directory over NFSv3', usage, run };

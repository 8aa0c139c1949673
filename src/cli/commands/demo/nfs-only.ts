/**
 * `row demo --nfs-only`: the foundation alone, without root or QEMU. `row nfsd` exports a demo
 * directory on loopback and an unmodified NFS client (libnfs-utils) lists it and reads a file
 * back, compared by sha256.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startNfsd } from '../../../nfsd/index.js';
import { UsageError } from '../../errors.js';
import type { CliIo } from '../../io.js';

const DEMO_FILE_BYTES = 1024 * 1024 + 3;

/** Runs a real NFS client (libnfs-utils) and returns its stdout as bytes. */
function runClient(program: string, args: string[]): Promise<Buffer> {
  return new Promise((done, fail) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => fail(new UsageError(`cannot run ${program} (install libnfs-utils: npm run setup)`, { cause: error })));
    child.on('close', (code) => {
      if (code === 0) done(Buffer.concat(out));
      else fail(new UsageError(`${program} ${args.join(' ')} failed (exit ${code}): ${Buffer.concat(err).toString().trim()}`));
    });
  });
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function runNfsOnlyDemo(base: string, serve: boolean, io: CliIo): Promise<number> {
  const exportDir = join(base, 'export');
  await mkdir(join(exportDir, 'etc'), { recursive: true });
  await writeFile(join(exportDir, 'etc', 'motd'), 'Welcome to a rowboot demo export.\n');
  await writeFile(join(exportDir, 'payload.bin'), randomBytes(DEMO_FILE_BYTES));

  const nfsd = await startNfsd({ exportDir, host: '127.0.0.1', port: 0, stateDir: join(base, 'state') });
  try {
    io.stdout(`row nfsd: exporting ${nfsd.exportPath} on 127.0.0.1:${nfsd.port} (tcp+udp)`);
    const url = (path: string) => `nfs://127.0.0.1${nfsd.exportPath}${path}?version=3&nfsport=${nfsd.port}&mountport=${nfsd.port}`;
    io.stdout(`\n$ nfs-ls ${url('/')}`);
    io.stdout((await runClient('nfs-ls', [url('/')])).toString().trimEnd());
    io.stdout(`\n$ nfs-cat ${url('/etc/motd')}`);
    io.stdout((await runClient('nfs-cat', [url('/etc/motd')])).toString().trimEnd());
    const readBack = await runClient('nfs-cat', [url('/payload.bin')]);
    const local = await readFile(join(exportDir, 'payload.bin'));
    const same = sha256(readBack) === sha256(local);
    io.stdout(`\npayload.bin: ${local.length} bytes on disk, ${readBack.length} bytes through NFS, sha256 ${same ? 'equal' : 'DIFFERENT'}`);
    if (!same) return 1;
    if (serve) {
      io.stdout('\nserving until Ctrl-C');
      await new Promise<void>((done) => io.stopSignal.addEventListener('abort', () => done(), { once: true }));
    }
    return 0;
  } finally {
    await nfsd.close();
  }
}

/**
 * `npm run bench`: every benchmark runs rowboot and its baseline in the same run and
 * prints the ratio. Pass names to run a subset: `npm run bench -- codec`.
 */
import { cpus, totalmem } from 'node:os';
import { benchBoot } from './boot.js';
import { benchCodec } from './codec.js';
import { formatRows, type BenchRow } from './measure.js';
import { benchNfsServer } from './nfs-server.js';
import { benchOverlay } from './overlay.js';
import { benchRowfsProxy } from './rowfs-proxy.js';
import { benchRegistry } from './registry.js';
import { benchTftp } from './tftp.js';

const benches: Record<string, () => Promise<BenchRow[]> | BenchRow[]> = {
  codec: () => benchCodec(2),
  nfsd: () => benchNfsServer(),
  proxy: () => benchRowfsProxy(),
  registry: () => benchRegistry(),
  overlay: () => benchOverlay(),
  tftp: () => benchTftp(),
  boot: () => benchBoot(),
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(benches);
const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
console.log(`rowboot bench ${new Date().toISOString().slice(0, 10)} on ${machine}`);
let failed = false;
for (const name of names) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  try {
    console.log(formatRows(await bench()));
  } catch (error) {
    failed = true;
    console.error(`bench ${name} failed: ${(error as Error).stack ?? String(error)}`);
  }
}
process.exit(failed ? 1 : 0);

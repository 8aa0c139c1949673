/**
 * A ROW-FS proxy in a child process, for crash tests (rowfs-crash.test.ts): main and
 * shadow are in-process ExportFs over the directories named in ROWFS_CHILD (JSON). Prints
 * "ready PORT" once it listens, then serves until killed.
 */
import { ExportFs } from '../../src/nfsd/index.js';
import { startRowProxy } from '../../src/rowfs/index.js';
import { silentRpcLogger } from '../../src/rpc/index.js';

interface ChildConfig {
  mainDir: string;
  mainState: string;
  shadowDir: string;
  shadowState: string;
  stateDir: string;
  port: number;
  blockSize: number;
}

const config = JSON.parse(process.env.ROWFS_CHILD ?? '{}') as ChildConfig;
const main = await ExportFs.open({ exportDir: config.mainDir, stateDir: config.mainState, readOnly: true });
const shadow = await ExportFs.open({ exportDir: config.shadowDir, stateDir: config.shadowState });
const proxy = await startRowProxy({
  listenHost: '127.0.0.1',
  listenPort: config.port,
  main: { backend: main, rootFh: main.rootHandle, exportPath: main.exportPath, name: 'main' },
  shadow: { backend: shadow, rootFh: shadow.rootHandle, exportPath: shadow.exportPath, name: 'shadow' },
  stateDir: config.stateDir,
  blockSize: config.blockSize,
  logger: silentRpcLogger,
});
process.stdout.write(`ready ${proxy.port}\n`);

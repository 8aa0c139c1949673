/**
 * Runs our TFTP server as its own process, so the benchmark can start it inside a private
 * network namespace next to dnsmasq: `node tftp-server-process.js ROOT HOST PORT`. Prints
 * one JSON line `{"port":N}` when listening; on SIGTERM prints the counters and exits.
 */
import { TftpServer } from '../src/boot/tftp/index.js';

const [root, host, port] = process.argv.slice(2);
if (root === undefined || host === undefined || port === undefined) {
  console.error('usage: tftp-server-process ROOT HOST PORT');
  process.exit(2);
}
const server = new TftpServer({ root, host, port: Number(port) });
const address = await server.listen();
console.log(JSON.stringify({ port: address.port }));
process.on('SIGTERM', () => {
  console.log(JSON.stringify(server.counters()));
  void server.close().then(() => process.exit(0));
});

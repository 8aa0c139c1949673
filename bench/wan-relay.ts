/**
 * `node dist/bench/wan-relay.js LISTEN_HOST:PORT TARGET_HOST:PORT ONE_WAY_DELAY_MS`: the
 * delaying relay as its own process, so a benchmark can run it inside a network namespace.
 * Prints `ready PORT` once listening; on stdin, `stats` prints the counters as one JSON line
 * and `reset` zeroes them. Ends on SIGTERM or when stdin closes.
 */
import { createInterface } from 'node:readline';
import { DelayingRelay } from './delaying-relay.js';

function hostPort(text: string | undefined): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(text ?? '');
  if (match === null) throw new Error(`expected HOST:PORT, got ${JSON.stringify(text)}`);
  return { host: match[1] ?? '', port: Number(match[2]) };
}

const [listenArg, targetArg, delayArg] = process.argv.slice(2);
const listen = hostPort(listenArg);
const target = hostPort(targetArg);
const relay = new DelayingRelay({
  listenHost: listen.host,
  listenPort: listen.port,
  targetHost: target.host,
  targetPort: target.port,
  oneWayDelayMs: Number(delayArg ?? 0),
});
const port = await relay.listen();
process.stdout.write(`ready ${port}\n`);
const stop = async (): Promise<void> => {
  await relay.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  if (line.trim() === 'stats') process.stdout.write(`${JSON.stringify(relay.stats())}\n`);
  if (line.trim() === 'reset') relay.reset();
});
commands.on('close', () => void stop());

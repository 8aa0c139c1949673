import { UsageError } from './errors.js';

export interface ListenAddress {
  host: string;
  port: number;
}

const MAX_PORT = 65535;

/** Parses HOST:PORT (IPv6 as [::1]:2049); names the flag in the error so the user knows what to fix. */
export function parseListenAddress(value: string, flag: string): ListenAddress {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:]+):(\d+)$/.exec(value);
  if (!match) throw new UsageError(`${flag}: expected HOST:PORT, got '${value}'`);
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) {
    throw new UsageError(`${flag}: port must be 0-${MAX_PORT}, got '${match[2]}'`);
  }
  return { host: match[1] ?? '', port };
}

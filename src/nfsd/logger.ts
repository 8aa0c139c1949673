import { silentRpcLogger } from '../rpc/index.js';
import type { RpcLogger } from '../rpc/index.js';

/** The server logs through the same shape as the RPC layer, so the gateway injects one logger. */
export type NfsdLogger = RpcLogger;

export const silentLogger: NfsdLogger = silentRpcLogger;

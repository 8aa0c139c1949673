import type { RpcCallContext } from '../rpc/index.js';

/** Who a call acts for: the AUTH_SYS identity (RFC 5531 section 14), or nobody. */
export interface NfsCaller {
  uid: number;
  gid: number;
  gids: readonly number[];
}

/** The conventional "nobody" of Linux, for AUTH_NONE calls (as the Linux server's anonuid). */
export const NOBODY_ID = 65534;
export const ROOT_CALLER: NfsCaller = Object.freeze({ uid: 0, gid: 0, gids: Object.freeze([]) });
export const NOBODY_CALLER: NfsCaller = Object.freeze({ uid: NOBODY_ID, gid: NOBODY_ID, gids: Object.freeze([]) });

export function callerOf(call: RpcCallContext): NfsCaller {
  const auth = call.authSys;
  if (auth === undefined) return NOBODY_CALLER;
  return { uid: auth.uid, gid: auth.gid, gids: auth.gids };
}

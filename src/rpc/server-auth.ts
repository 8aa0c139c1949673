import { XdrError } from '../xdr/index.js';
import { decodeAuthSys } from './auth.js';
import { AuthFlavor, AuthStat } from './constants.js';
import { RpcAuthRejection } from './errors.js';
import type { AuthSysParams, OpaqueAuth } from './types.js';

/**
 * The server's credential check (RFC 5531 sections 8.2 and 10, appendix A), as strict as Linux's
 * svcauth_null/svcauth_unix: AUTH_NONE must have an empty body, AUTH_SYS must decode
 * exactly (bad -> AUTH_BADCRED), and with either the verifier must be an empty AUTH_NONE
 * (else AUTH_BADVERF). Any other flavor gets AUTH_BADCRED, as the Linux server answers an
 * unregistered flavor (the RFC names no code for it; TI-RPC says AUTH_REJECTEDCRED, which
 * makes Linux clients refresh and retry instead of failing). Returns the AUTH_SYS
 * parameters when there are any; throws RpcAuthRejection otherwise.
 */
export function checkCallAuth(credential: OpaqueAuth, verifier: OpaqueAuth): AuthSysParams | undefined {
  let authSys: AuthSysParams | undefined;
  switch (credential.flavor) {
    case AuthFlavor.AUTH_NONE:
      if (credential.body.length !== 0) {
        throw new RpcAuthRejection(AuthStat.AUTH_BADCRED, `AUTH_NONE credential with a ${credential.body.length}-byte body`);
      }
      break;
    case AuthFlavor.AUTH_SYS:
      try {
        authSys = decodeAuthSys(credential.body);
      } catch (error) {
        if (!(error instanceof XdrError)) throw error;
        throw new RpcAuthRejection(AuthStat.AUTH_BADCRED, `malformed AUTH_SYS credential: ${error.message}`, { cause: error });
      }
      break;
    default:
      throw new RpcAuthRejection(AuthStat.AUTH_BADCRED, `unsupported credential flavor ${credential.flavor}`);
  }
  if (verifier.flavor !== AuthFlavor.AUTH_NONE || verifier.body.length !== 0) {
    throw new RpcAuthRejection(AuthStat.AUTH_BADVERF, `unexpected verifier flavor ${verifier.flavor} (${verifier.body.length} bytes)`);
  }
  return authSys;
}

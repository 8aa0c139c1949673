export {
  RPC_VERSION,
  MsgType,
  ReplyStat,
  AcceptStat,
  RejectStat,
  AuthStat,
  AuthFlavor,
  MAX_AUTH_BYTES,
  LAST_FRAGMENT,
  FRAGMENT_LENGTH_MASK,
  DEFAULT_MAX_RECORD_BYTES,
} from './constants.js';
export {
  RpcError,
  RpcAcceptError,
  RpcDeniedError,
  RpcTimeoutError,
  RpcAbortedError,
  RpcConnectionError,
  RpcProtocolError,
  RpcAuthRejection,
  RpcNoReply,
  RpcRecordTooLargeError,
} from './errors.js';
export {
  AUTH_NONE,
  MAX_MACHINE_NAME,
  MAX_AUTH_SYS_GIDS,
  encodeOpaqueAuth,
  decodeOpaqueAuth,
  encodeAuthSys,
  decodeAuthSys,
  authSysCredential,
} from './auth.js';
export {
  encodeCallHeader,
  decodeCallHeader,
  encodeAcceptedReply,
  encodeRpcMismatchReply,
  encodeAuthErrorReply,
  decodeReplyHeader,
  type CallHeader,
  type ReplyHeader,
} from './message.js';
export { RecordDecoder, frameRecord, startRecord, finishRecord, RECORD_MARK_BYTES } from './record-marking.js';
export { checkCallAuth } from './server-auth.js';
export { nullProcedure, type RpcServerCounters, type RpcPeer } from './dispatcher.js';
export { RpcServer, type RpcServerOptions, type RpcListenOptions } from './server.js';
export { MAX_UDP_PAYLOAD } from './server-udp.js';
export { RpcTcpClient, type RpcTcpClientOptions } from './tcp-client.js';
export { RpcUdpClient, type RpcUdpClientOptions } from './udp-client.js';
export { silentRpcLogger, consoleRpcLogger } from './logger.js';
export type {
  OpaqueAuth,
  AuthSysParams,
  RpcCallOptions,
  RpcCaller,
  RpcCallContext,
  RpcResultEncoder,
  RpcProcedureHandler,
  RpcProgramVersion,
  RpcProgram,
  RpcLogger,
} from './types.js';

/**
 * Shared fixtures for the RPC integration tests: a test program with procedures that
 * exercise every dispatch outcome, a logger that records, and a raw TCP peer that speaks
 * record marking by hand so tests can send what our own client never would.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { XdrReader, XdrWriter } from '../../src/xdr/index.js';
import {
  AUTH_NONE,
  MsgType,
  RecordDecoder,
  RpcAuthRejection,
  RpcNoReply,
  RpcServer,
  AuthStat,
  decodeReplyHeader,
  encodeOpaqueAuth,
  frameRecord,
  nullProcedure,
  type OpaqueAuth,
  type ReplyHeader,
  type RpcLogger,
  type RpcProcedureHandler,
  type RpcServerOptions,
} from '../../src/rpc/index.js';

/** In the range RFC 5531 leaves to users (0x20000000 - 0x3fffffff). */
export const TEST_PROGRAM = 0x2000_0c0d;
export const TEST_VERSION = 3;
export const TEST_VERSIONS = { low: 2, high: 4 } as const;

export const TestProc = {
  NULL: 0,
  /** uint32 + string in, the same back. */
  ECHO: 1,
  /** uint32 ms + uint32 value: waits, returns value. */
  DELAY: 2,
  /** Throws a plain Error: SYSTEM_ERR. */
  FAIL: 3,
  /** Throws RpcAuthRejection(AUTH_TOOWEAK). */
  TOO_WEAK: 4,
  /** Returns the AUTH_SYS uid, or 0xffffffff without AUTH_SYS. */
  WHOAMI: 5,
  /** uint32 n: returns n bytes of opaque (a large reply). */
  READ: 6,
  /** Never answers. */
  HANG: 7,
  /** Sends no reply to the first call it sees, answers the rest (uint32 value back). */
  DROP_FIRST: 8,
  /** opaque in: returns its length (a large call). */
  WRITE: 9,
} as const;

export interface TestProgramState {
  running: number;
  peakRunning: number;
  calls: Map<number, number>;
  dropFirstSeen: number[];
}

export function testProgramHandlers(state: TestProgramState): Map<number, RpcProcedureHandler> {
  const count = (procedure: number): void => {
    state.calls.set(procedure, (state.calls.get(procedure) ?? 0) + 1);
  };
  return new Map<number, RpcProcedureHandler>([
    [TestProc.NULL, nullProcedure],
    [TestProc.ECHO, (args) => {
      count(TestProc.ECHO);
      const number = args.uint32();
      const text = args.string(1024);
      return (w) => w.uint32(number).string(text);
    }],
    [TestProc.DELAY, async (args) => {
      const ms = args.uint32();
      const value = args.uint32();
      state.running++;
      state.peakRunning = Math.max(state.peakRunning, state.running);
      try {
        await sleep(ms);
      } finally {
        state.running--;
      }
      return (w) => w.uint32(value);
    }],
    [TestProc.FAIL, () => {
      throw new Error('handler exploded');
    }],
    [TestProc.TOO_WEAK, () => {
      throw new RpcAuthRejection(AuthStat.AUTH_TOOWEAK);
    }],
    [TestProc.WHOAMI, (_args, call) => (w) => w.uint32(call.authSys?.uid ?? 0xffffffff)],
    [TestProc.READ, (args) => {
      const length = args.uint32();
      const data = Buffer.alloc(length);
      for (let i = 0; i < length; i++) data[i] = i & 0xff;
      return (w) => w.opaque(data);
    }],
    [TestProc.HANG, () => new Promise(() => {})],
    [TestProc.DROP_FIRST, (args, call) => {
      const value = args.uint32();
      state.dropFirstSeen.push(call.xid);
      if (state.dropFirstSeen.length === 1) throw new RpcNoReply('dropping the first one');
      return (w) => w.uint32(value);
    }],
    [TestProc.WRITE, (args) => {
      const data = args.opaque();
      return (w) => w.uint32(data.length);
    }],
  ]);
}

export interface RecordingLogger extends RpcLogger {
  entries: { level: string; message: string; details?: Record<string, unknown> }[];
}

export function recordingLogger(): RecordingLogger {
  const entries: RecordingLogger['entries'] = [];
  return {
    entries,
    debug: (message, details) => entries.push({ level: 'debug', message, details }),
    warn: (message, details) => entries.push({ level: 'warn', message, details }),
    error: (message, details) => entries.push({ level: 'error', message, details }),
  };
}

export interface TestServer {
  server: RpcServer;
  port: number;
  state: TestProgramState;
  logger: RecordingLogger;
}

export async function startTestServer(
  options: RpcServerOptions = {},
  listen: { tcp?: boolean; udp?: boolean; port?: number } = {},
): Promise<TestServer> {
  const logger = recordingLogger();
  const server = new RpcServer({ logger, ...options });
  const state: TestProgramState = { running: 0, peakRunning: 0, calls: new Map(), dropFirstSeen: [] };
  const procedures = testProgramHandlers(state);
  server.addProgram({
    program: TEST_PROGRAM,
    versions: [2, 3, 4].map((version) => ({ version, procedures })),
  });
  const { port } = await server.listen({ host: '127.0.0.1', port: listen.port ?? 0, tcp: listen.tcp, udp: listen.udp });
  return { server, port, state, logger };
}

/** A call message built by hand, so any field can be wrong on purpose. */
export function rawCall(fields: {
  xid: number;
  rpcVersion?: number;
  program?: number;
  version?: number;
  procedure?: number;
  credential?: OpaqueAuth;
  verifier?: OpaqueAuth;
  args?: (writer: XdrWriter) => void;
}): Buffer {
  const writer = new XdrWriter();
  writer
    .uint32(fields.xid)
    .uint32(MsgType.CALL)
    .uint32(fields.rpcVersion ?? 2)
    .uint32(fields.program ?? TEST_PROGRAM)
    .uint32(fields.version ?? TEST_VERSION)
    .uint32(fields.procedure ?? TestProc.NULL);
  encodeOpaqueAuth(writer, fields.credential ?? AUTH_NONE);
  encodeOpaqueAuth(writer, fields.verifier ?? AUTH_NONE);
  fields.args?.(writer);
  return writer.toBuffer();
}

export function parseReply(record: Buffer): { header: ReplyHeader; rest: XdrReader } {
  const reader = new XdrReader(record);
  return { header: decodeReplyHeader(reader), rest: reader };
}

/** A hand-driven TCP peer: writes raw bytes, reads whole records, notices the close. */
export class RawTcpPeer {
  readonly records: Buffer[] = [];
  closed = false;
  private waiters: (() => void)[] = [];
  private readonly decoder = new RecordDecoder((record) => {
    this.records.push(Buffer.from(record));
    this.wake();
  });

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.decoder.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static async connect(port: number): Promise<RawTcpPeer> {
    const socket = connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return new RawTcpPeer(socket);
  }

  /** Waits until woken or `ms` pass, leaving no timer behind. */
  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Sends a message as one record (or several fragments of at most maxFragment bytes). */
  sendRecord(message: Buffer, maxFragment?: number): void {
    for (const chunk of frameRecord([message], maxFragment)) this.socket.write(chunk);
  }

  /** The next record, or undefined if the connection closes first; fails after timeoutMs. */
  async nextRecord(timeoutMs = 2000): Promise<Buffer | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.records.length === 0 && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no record within ${timeoutMs} ms`);
      await this.wait(left);
    }
    return this.records.shift();
  }

  async call(message: Buffer): Promise<{ header: ReplyHeader; rest: XdrReader }> {
    this.sendRecord(message);
    const record = await this.nextRecord();
    if (!record) throw new Error('connection closed instead of a reply');
    return parseReply(record);
  }

  /** Resolves once the server has closed the connection; fails after timeoutMs. */
  async waitClosed(timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`connection still open after ${timeoutMs} ms`);
      await this.wait(left);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * A read-only TFTP server (RFC 1350) with option negotiation (RFC 2347-2349, RFC 7440).
 * The listening socket only takes requests; each transfer gets its own socket and therefore
 * its own TID. Errors for refused requests go out from the listening socket.
 */
import type { RemoteInfo, Socket } from 'node:dgram';
import { FileBlockSource, MemoryBlockSource } from './block-source.js';
import type { BlockSource } from './block-source.js';
import { MAX_BLKSIZE, MAX_TIMEOUT_SECONDS, MAX_WINDOWSIZE, MIN_BLKSIZE, TFTP_PORT, TftpErrorCode, TftpMode, TftpOpcode } from './constants.js';
import type { TftpCounters } from './counters.js';
import { copyCounters, countError, createCounters } from './counters.js';
import { TftpRequestError, TftpServerError } from './errors.js';
import type { TftpLogger } from './logger.js';
import { silentTftpLogger } from './logger.js';
import { negotiateOptions } from './options.js';
import type { NegotiatedOptions } from './options.js';
import { normalizeRequestPath } from './request-path.js';
import { RootDirectory } from './root-files.js';
import type { OpenedRootFile } from './root-files.js';
import { Transfer } from './transfer.js';
import type { TftpClient, TftpTransferSummary, VirtualFiles } from './types.js';
import { bindUdpSocket } from './udp-socket.js';
import { decodeRequest, encodeError, readOpcode } from './wire.js';
import type { TftpRequest } from './wire.js';

export interface TftpServerOptions {
  /** Directory served; requests cannot leave it (symlinks are resolved first). */
  root: string;
  /**
   * Address to bind. Bind the boot network's own address where possible: Node cannot learn a
   * datagram's destination address, so with 0.0.0.0 a multi-homed host answers from whatever
   * address its routing picks. Default 0.0.0.0.
   */
  host?: string;
  /** Default 69; 0 picks a free port. */
  port?: number;
  /** Generated files, consulted before the root directory. */
  virtualFiles?: VirtualFiles;
  /** Largest blksize granted (RFC 2348). Default 65464; the gateway may cap it at its MTU. */
  maxBlksize?: number;
  /** Largest windowsize granted (RFC 7440). Default 64. */
  maxWindowsize?: number;
  /** Retransmission timeout when the client does not set one. Default 1000 ms. */
  timeoutMs?: number;
  /** Retransmissions before a silent client's transfer is dropped. Default 5. */
  retries?: number;
  /** Concurrent transfers; more are answered with ERROR 0. Default 1024. */
  maxTransfers?: number;
  logger?: TftpLogger;
  /** Called once per transfer when it ends, whatever the outcome. */
  onTransferEnd?: (summary: TftpTransferSummary) => void;
}

export interface TftpServerAddress {
  address: string;
  port: number;
}

const DEFAULT_HOST = '0.0.0.0';
const DEFAULT_MAX_WINDOWSIZE = 64;
/** Windows must stay well below the 16-bit wrap period so an ACK number maps to one block. */
const WINDOWSIZE_CEILING = 32768;
const DEFAULT_TIMEOUT_MS = 1000;
const DEFAULT_RETRIES = 5;
const DEFAULT_MAX_TRANSFERS = 1024;

/** The file behind a request, before the options fix the block size. */
type Origin = { virtual: true; data: Buffer } | { virtual: false; file: OpenedRootFile };

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TftpServerError(`TFTP option ${name} must be an integer in ${min}..${max}, got ${value}`);
  }
  return value;
}

export class TftpServer {
  private readonly options: Required<Omit<TftpServerOptions, 'virtualFiles' | 'onTransferEnd' | 'logger'>>;
  private readonly logger: TftpLogger;
  private readonly stats: TftpCounters = createCounters();
  private readonly transfers = new Set<Transfer>();
  /** The transfer (or the setup still running) per client TID, to recognize a repeated RRQ. */
  private readonly byPeer = new Map<string, Transfer | 'pending'>();
  private readonly setups = new Set<Promise<void>>();
  private socket: Socket | undefined;
  private rootDirectory: RootDirectory | undefined;
  private closed = false;

  constructor(private readonly config: TftpServerOptions) {
    this.options = {
      root: config.root,
      host: config.host ?? DEFAULT_HOST,
      port: checkInteger('port', config.port ?? TFTP_PORT, 0, 65535),
      maxBlksize: checkInteger('maxBlksize', config.maxBlksize ?? MAX_BLKSIZE, MIN_BLKSIZE, MAX_BLKSIZE),
      maxWindowsize: checkInteger('maxWindowsize', config.maxWindowsize ?? DEFAULT_MAX_WINDOWSIZE, 1, Math.min(WINDOWSIZE_CEILING, MAX_WINDOWSIZE)),
      timeoutMs: checkInteger('timeoutMs', config.timeoutMs ?? DEFAULT_TIMEOUT_MS, 1, MAX_TIMEOUT_SECONDS * 1000),
      retries: checkInteger('retries', config.retries ?? DEFAULT_RETRIES, 0, 1000),
      maxTransfers: checkInteger('maxTransfers', config.maxTransfers ?? DEFAULT_MAX_TRANSFERS, 1, 1_000_000),
    };
    this.logger = config.logger ?? silentTftpLogger;
  }

  /** The bound port (after listen()). */
  get port(): number {
    const socket = this.socket;
    if (!socket) throw new TftpServerError('TFTP server is not listening');
    return socket.address().port;
  }

  async listen(): Promise<TftpServerAddress> {
    if (this.socket) throw new TftpServerError('TFTP server is already listening');
    if (this.closed) throw new TftpServerError('TFTP server was closed');
    this.rootDirectory = await RootDirectory.open(this.options.root);
    try {
      this.socket = await bindUdpSocket(this.options.host, this.options.port);
    } catch (cause) {
      throw new TftpServerError(`cannot bind TFTP to ${this.options.host}:${this.options.port}`, { cause });
    }
    this.socket.on('message', (message: Buffer, from: RemoteInfo) => this.onRequest(message, from));
    this.socket.on('error', (error) => this.logger.error('tftp: listening socket error', { error }));
    const { address, port } = this.socket.address();
    return { address, port };
  }

  counters(): TftpCounters {
    return copyCounters(this.stats);
  }

  /** Stops listening and ends every transfer (their clients are not told). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const socket = this.socket;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    for (const transfer of [...this.transfers]) transfer.close();
    await Promise.allSettled([...this.setups]);
  }

  private onRequest(message: Buffer, from: RemoteInfo): void {
    if (this.closed) return;
    const opcode = readOpcode(message);
    if (opcode === TftpOpcode.WRQ) {
      this.stats.writeRequestsRefused++;
      this.logger.debug('tftp: refused a write request', { from: `${from.address}:${from.port}` });
      this.sendError(TftpErrorCode.ACCESS_VIOLATION, 'server is read-only', from);
      return;
    }
    const request = opcode === TftpOpcode.RRQ ? decodeRequest(message) : undefined;
    if (!request) {
      this.stats.garbagePackets++;
      this.logger.debug('tftp: dropped a packet on the request port', { from: `${from.address}:${from.port}`, opcode, bytes: message.length });
      return;
    }
    const key = `${from.address}:${from.port}`;
    const existing = this.byPeer.get(key);
    if (existing === 'pending' || existing?.untouched) {
      // The client repeated its RRQ before our answer reached it (RFC 1350 section 4).
      this.stats.duplicateRequests++;
      if (existing !== 'pending') existing.resendFirst();
      return;
    }
    this.stats.readRequests++;
    const client: TftpClient = { address: from.address, port: from.port, family: from.family === 'IPv6' ? 'IPv6' : 'IPv4' };
    this.byPeer.set(key, 'pending');
    const setup = this.startTransfer(request, client, key).finally(() => this.setups.delete(setup));
    this.setups.add(setup);
  }

  private async startTransfer(request: TftpRequest, client: TftpClient, key: string): Promise<void> {
    let path = request.filename;
    try {
      if (this.transfers.size + this.setups.size >= this.options.maxTransfers) {
        throw new TftpRequestError(TftpErrorCode.NOT_DEFINED, 'too many transfers, try again');
      }
      if (request.mode !== TftpMode.OCTET) {
        // PXE ROMs, PXELINUX, iPXE, curl and busybox all use octet; netascii would need an
        // on-the-fly CRLF conversion that makes tsize unknowable without a first pass.
        const why = request.mode === TftpMode.NETASCII ? 'netascii mode is not supported, use octet' : 'unknown transfer mode';
        throw new TftpRequestError(TftpErrorCode.ILLEGAL_OPERATION, why, request.mode);
      }
      path = normalizeRequestPath(request.filename);
      const origin = await this.resolve(path, client);
      const size = origin.virtual ? origin.data.length : origin.file.size;
      const negotiated = negotiateOptions(request.options, size, this.options);
      await this.begin({ client, key, path, origin, negotiated });
    } catch (error) {
      if (this.byPeer.get(key) === 'pending') this.byPeer.delete(key);
      this.refuse(error, client, path);
    }
  }

  private async resolve(path: string, client: TftpClient): Promise<Origin> {
    const virtualFiles = this.config.virtualFiles;
    if (virtualFiles) {
      let data: Buffer | undefined;
      try {
        data = await virtualFiles.resolveVirtual(path, client);
      } catch (cause) {
        throw new TftpRequestError(TftpErrorCode.NOT_DEFINED, 'cannot generate file', 'resolveVirtual threw', { cause });
      }
      if (data !== undefined) return { virtual: true, data };
    }
    const root = this.rootDirectory;
    if (!root) throw new TftpServerError('TFTP server is not listening');
    return { virtual: false, file: await root.openFile(path) };
  }

  private sourceFor(origin: Origin, negotiated: NegotiatedOptions, socket: Socket): BlockSource {
    const geometry = {
      blksize: negotiated.blksize,
      windowsize: negotiated.windowsize,
      sendQueueEmpty: () => socket.getSendQueueCount() === 0,
    };
    if (origin.virtual) return new MemoryBlockSource(origin.data, geometry);
    return new FileBlockSource(origin.file.handle, origin.file.size, geometry);
  }

  private async begin(setup: { client: TftpClient; key: string; path: string; origin: Origin; negotiated: NegotiatedOptions }): Promise<void> {
    const { origin } = setup;
    let socket: Socket;
    try {
      socket = await bindUdpSocket(this.options.host, 0);
    } catch (cause) {
      if (!origin.virtual) await origin.file.handle.close();
      throw new TftpServerError('cannot open a transfer socket', { cause });
    }
    if (this.closed) {
      socket.close();
      if (!origin.virtual) await origin.file.handle.close();
      return;
    }
    const source = this.sourceFor(origin, setup.negotiated, socket);
    const virtual = origin.virtual;
    const transfer: Transfer = new Transfer({
      socket,
      peer: setup.client,
      path: setup.path,
      virtual,
      source,
      negotiated: setup.negotiated,
      defaultTimeoutMs: this.options.timeoutMs,
      retries: this.options.retries,
      counters: this.stats,
      logger: this.logger,
      onEnd: (summary) => this.onTransferEnd(transfer, setup.key, summary),
    });
    this.transfers.add(transfer);
    this.byPeer.set(setup.key, transfer);
    this.stats.transfersStarted++;
    this.stats.activeTransfers++;
    if (virtual) this.stats.virtualFilesServed++;
    this.logger.debug('tftp: transfer starting', {
      client: setup.key,
      path: setup.path,
      virtual,
      size: source.size,
      options: setup.negotiated.oack,
    });
    transfer.start();
  }

  private onTransferEnd(transfer: Transfer, key: string, summary: TftpTransferSummary): void {
    this.transfers.delete(transfer);
    if (this.byPeer.get(key) === transfer) this.byPeer.delete(key);
    this.stats.activeTransfers--;
    switch (summary.outcome) {
      case 'completed':
        this.stats.transfersCompleted++;
        break;
      case 'aborted':
        this.stats.transfersAborted++;
        break;
      case 'timed-out':
        this.stats.transfersTimedOut++;
        break;
      case 'failed':
        this.stats.transfersFailed++;
        break;
      case 'closed':
        break;
    }
    this.logger.debug('tftp: transfer ended', { ...summary });
    try {
      this.config.onTransferEnd?.(summary);
    } catch (error) {
      this.logger.warn('tftp: onTransferEnd threw', { error });
    }
  }

  /** Answers a request that cannot be served; the client sees only the wire message. */
  private refuse(error: unknown, client: TftpClient, path: string): void {
    if (error instanceof TftpRequestError) {
      this.logger.debug('tftp: request refused', { client: `${client.address}:${client.port}`, path, error: error.message });
      this.sendError(error.code, error.wireMessage, client);
      return;
    }
    this.logger.error('tftp: request failed', { client: `${client.address}:${client.port}`, path, error });
    this.sendError(TftpErrorCode.NOT_DEFINED, 'internal error', client);
  }

  private sendError(code: TftpErrorCode, message: string, to: { address: string; port: number }): void {
    const socket = this.socket;
    if (!socket || this.closed) return;
    countError(this.stats, code);
    socket.send(encodeError(code, message), to.port, to.address);
  }
}

import type { RpcCallOptions, RpcCaller } from '../rpc/index.js';
import { PMAP_PROGRAM, PMAP_V2, PmapProc } from './constants.js';
import { decodePmapDumpResult, encodeMapping } from './portmap/codecs.js';
import type { Mapping } from './types.js';

function nothing(): void {}

/** A portmapper version 2 client (RFC 1833 section 3), e.g. for rpcbind on port 111. */
export class PortmapClient {
  constructor(private readonly caller: RpcCaller) {}

  null(options?: RpcCallOptions): Promise<void> {
    return this.caller.call(PMAP_PROGRAM, PMAP_V2, PmapProc.NULL, nothing, nothing, options);
  }

  /** Registers a mapping; false if the (prog, vers, prot) is already registered. */
  set(mapping: Mapping, options?: RpcCallOptions): Promise<boolean> {
    return this.caller.call(
      PMAP_PROGRAM,
      PMAP_V2,
      PmapProc.SET,
      (writer) => encodeMapping(writer, mapping),
      (reader) => reader.bool(),
      options,
    );
  }

  /** Removes the mappings of (prog, vers); prot and port are ignored by the server. */
  unset(mapping: Mapping, options?: RpcCallOptions): Promise<boolean> {
    return this.caller.call(
      PMAP_PROGRAM,
      PMAP_V2,
      PmapProc.UNSET,
      (writer) => encodeMapping(writer, mapping),
      (reader) => reader.bool(),
      options,
    );
  }

  /** The port of (prog, vers, prot), or 0 when nothing is registered; port is ignored. */
  getport(mapping: Mapping, options?: RpcCallOptions): Promise<number> {
    return this.caller.call(
      PMAP_PROGRAM,
      PMAP_V2,
      PmapProc.GETPORT,
      (writer) => encodeMapping(writer, mapping),
      (reader) => reader.uint32(),
      options,
    );
  }

  dump(options?: RpcCallOptions): Promise<Mapping[]> {
    return this.caller.call(PMAP_PROGRAM, PMAP_V2, PmapProc.DUMP, nothing, decodePmapDumpResult, options);
  }
}

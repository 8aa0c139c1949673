/**
 * Portmapper version 2 (RFC 1833 section 3) codecs. SET/UNSET take a mapping and return
 * a bool; GETPORT takes a mapping (port ignored) and returns the port, 0 if unregistered.
 */
import type { XdrReader, XdrWriter } from '../../xdr/index.js';
import { PMAP_MAX_CALLIT_BYTES, PMAP_MAX_MAPPINGS } from '../limits.js';
import type { CallitArgs, CallitResult, Mapping } from '../types.js';

export function encodeMapping(w: XdrWriter, mapping: Mapping): void {
  w.uint32(mapping.prog);
  w.uint32(mapping.vers);
  w.uint32(mapping.prot);
  w.uint32(mapping.port);
}

export function decodeMapping(r: XdrReader): Mapping {
  const prog = r.uint32();
  const vers = r.uint32();
  const prot = r.uint32();
  const port = r.uint32();
  return { prog, vers, prot, port };
}

/** DUMP result: pmaplist, a linked list of mappings. */
export function encodePmapDumpResult(w: XdrWriter, mappings: readonly Mapping[]): void {
  w.list(mappings, encodeMapping);
}

export function decodePmapDumpResult(r: XdrReader): Mapping[] {
  return r.list(decodeMapping, PMAP_MAX_MAPPINGS);
}

/** CALLIT: call_args { prog, vers, proc, opaque args }. */
export function encodeCallitArgs(w: XdrWriter, args: CallitArgs): void {
  w.uint32(args.prog);
  w.uint32(args.vers);
  w.uint32(args.proc);
  w.opaque(args.args);
}

export function decodeCallitArgs(r: XdrReader): CallitArgs {
  const prog = r.uint32();
  const vers = r.uint32();
  const proc = r.uint32();
  const args = r.opaque(PMAP_MAX_CALLIT_BYTES);
  return { prog, vers, proc, args };
}

/** CALLIT: call_result { port, opaque res }. */
export function encodeCallitResult(w: XdrWriter, result: CallitResult): void {
  w.uint32(result.port);
  w.opaque(result.res);
}

export function decodeCallitResult(r: XdrReader): CallitResult {
  const port = r.uint32();
  const res = r.opaque(PMAP_MAX_CALLIT_BYTES);
  return { port, res };
}

/**
 * The option areas of a DHCP message (RFC 2132 section 2): PAD and END, the overload of the
 * `file` and `sname` fields (RFC 2132 section 9.3) and long options split into several
 * instances that are concatenated in order options -> file -> sname (RFC 3396).
 */
import { DhcpOption, OptionOverload } from './constants.js';
import { DhcpDecodeError, DhcpEncodeError } from './errors.js';

/** Option code -> value, in the order the options are (to be) encoded. */
export type DhcpOptions = Map<number, Buffer>;

/** RFC 2132 section 2: one length octet. */
const MAX_OPTION_CHUNK = 255;

/**
 * Appends the options found in `area` to `parts`. A missing END is tolerated (the area ends
 * with the buffer); a length that runs past the area is not.
 */
function parseArea(area: Buffer, where: string, parts: Map<number, Buffer[]>): void {
  let offset = 0;
  while (offset < area.length) {
    const code = area[offset] ?? DhcpOption.END;
    if (code === DhcpOption.PAD) {
      offset++;
      continue;
    }
    if (code === DhcpOption.END) return;
    const length = area[offset + 1];
    if (length === undefined) throw new DhcpDecodeError(`option ${code} in ${where} has no length octet`);
    const start = offset + 2;
    if (start + length > area.length) {
      throw new DhcpDecodeError(`option ${code} in ${where} runs past the end (${length} octets, ${area.length - start} left)`);
    }
    const list = parts.get(code);
    const value = area.subarray(start, start + length);
    if (list) list.push(value);
    else parts.set(code, [value]);
    offset = start + length;
  }
}

/** The three areas as found in a message; `file` and `sname` are used only when overloaded. */
export interface OptionAreas {
  options: Buffer;
  file: Buffer;
  sname: Buffer;
}

/** Decodes all options; returns them with the overload value (0 when absent). */
export function decodeOptionAreas(areas: OptionAreas): { options: DhcpOptions; overload: number } {
  const parts = new Map<number, Buffer[]>();
  parseArea(areas.options, 'options', parts);
  const overloadValue = parts.get(DhcpOption.OPTION_OVERLOAD);
  let overload = 0;
  if (overloadValue) {
    const joined = Buffer.concat(overloadValue);
    const value = joined[0];
    if (joined.length !== 1 || value === undefined || value < OptionOverload.FILE || value > OptionOverload.BOTH) {
      throw new DhcpDecodeError(`option overload has a bad value ${joined.toString('hex')}`);
    }
    overload = value;
    parts.delete(DhcpOption.OPTION_OVERLOAD);
    // RFC 3396 section 7: options area, then file, then sname.
    if (overload & OptionOverload.FILE) parseArea(areas.file, 'file', parts);
    if (overload & OptionOverload.SNAME) parseArea(areas.sname, 'sname', parts);
    parts.delete(DhcpOption.OPTION_OVERLOAD);
  }
  const options: DhcpOptions = new Map();
  for (const [code, list] of parts) options.set(code, list.length === 1 ? Buffer.from(list[0] ?? []) : Buffer.concat(list));
  return { options, overload };
}

/** Each option as wire entries `code len value`, long values split per RFC 3396. */
export function optionEntries(options: DhcpOptions): Buffer[] {
  const entries: Buffer[] = [];
  for (const [code, value] of options) {
    if (!Number.isInteger(code) || code <= DhcpOption.PAD || code >= DhcpOption.END) {
      throw new DhcpEncodeError(`option code ${code} cannot be encoded`);
    }
    if (code === DhcpOption.OPTION_OVERLOAD) throw new DhcpEncodeError('option overload is set by the encoder');
    if (value.length === 0) {
      entries.push(Buffer.from([code, 0]));
      continue;
    }
    for (let offset = 0; offset < value.length; offset += MAX_OPTION_CHUNK) {
      const chunk = value.subarray(offset, offset + MAX_OPTION_CHUNK);
      entries.push(Buffer.concat([Buffer.from([code, chunk.length]), chunk]));
    }
  }
  return entries;
}

/** Where the encoder put the option entries; `file`/`sname` are undefined unless overloaded. */
export interface PlacedOptions {
  options: Buffer;
  file?: Buffer;
  sname?: Buffer;
}

/**
 * Lays the entries out in order: the options area (at most `optionsCapacity` octets including
 * END), then, if they do not fit and the field is free, `file` (128) and `sname` (64), with an
 * overload option telling which (RFC 2132 section 9.3). Throws DhcpEncodeError if they cannot fit.
 */
export function placeOptions(
  entries: readonly Buffer[],
  optionsCapacity: number,
  spare: { file: number | undefined; sname: number | undefined },
): PlacedOptions {
  const total = entries.reduce((sum, entry) => sum + entry.length, 0);
  if (total + 1 <= optionsCapacity) return { options: Buffer.concat([...entries, Buffer.from([DhcpOption.END])]) };
  // Room for the overload option (3 octets) and END in the options area.
  const areas: { name: 'options' | 'file' | 'sname'; capacity: number; used: Buffer[]; size: number }[] = [
    { name: 'options', capacity: optionsCapacity - 3 - 1, used: [], size: 0 },
  ];
  if (spare.file !== undefined) areas.push({ name: 'file', capacity: spare.file - 1, used: [], size: 0 });
  if (spare.sname !== undefined) areas.push({ name: 'sname', capacity: spare.sname - 1, used: [], size: 0 });
  let index = 0;
  for (const entry of entries) {
    let area = areas[index];
    while (area && area.size + entry.length > area.capacity) area = areas[++index];
    if (!area) throw new DhcpEncodeError(`options need ${total + 1} octets; they do not fit even with file/sname overloaded`);
    area.used.push(entry);
    area.size += entry.length;
  }
  const end = Buffer.from([DhcpOption.END]);
  const find = (name: string): Buffer | undefined => {
    const area = areas.find((candidate) => candidate.name === name && candidate.size > 0);
    return area ? Buffer.concat([...area.used, end]) : undefined;
  };
  const file = find('file');
  const sname = find('sname');
  const overload = (file ? OptionOverload.FILE : 0) | (sname ? OptionOverload.SNAME : 0);
  const head = areas[0]?.used ?? [];
  const overloadEntry = overload === 0 ? [] : [Buffer.from([DhcpOption.OPTION_OVERLOAD, 1, overload])];
  return { options: Buffer.concat([...overloadEntry, ...head, end]), ...(file ? { file } : {}), ...(sname ? { sname } : {}) };
}

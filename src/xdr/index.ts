export { XdrError, type XdrErrorCode } from './errors.js';
export { XdrReader, XDR_UNIT, padLength, type XdrUnionArms } from './reader.js';
export { XdrWriter } from './writer.js';
export { readUint32At, writeUint32At } from './word.js';

export { XdrError, type XdrErrorCode } from './errors.js';
export { XdrReader, XDR_UNIT, padLength } from './reader.js';
export { XdrWriter } from './writer.js';

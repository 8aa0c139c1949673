import { blockInShadow } from './node.js';
import type { VNode } from './node.js';

/** A byte range read from one server. */
export interface ReadRun {
  source: 'main' | 'shadow';
  offset: number;
  length: number;
}

/**
 * Where each byte of [offset, offset + length) of a copied-up file comes from (the
 * paper's block-assembled READ): a block whose bit is set, and any byte at or past the
 * main limit (written past main's end, or truncated and re-extended: zeros, never old main
 * data), come from the shadow; the rest from main. Adjacent ranges from one server merge.
 */
export function planRead(node: VNode, blockSize: number, offset: number, length: number): ReadRun[] {
  const runs: ReadRun[] = [];
  const end = offset + length;
  const push = (source: 'main' | 'shadow', from: number, to: number): void => {
    if (to <= from) return;
    const last = runs[runs.length - 1];
    if (last !== undefined && last.source === source && last.offset + last.length === from) last.length += to - from;
    else runs.push({ source, offset: from, length: to - from });
  };
  let position = offset;
  while (position < end) {
    const block = Math.floor(position / blockSize);
    const segmentEnd = Math.min(end, (block + 1) * blockSize);
    if (position >= node.mainLimit || blockInShadow(node, block)) {
      push('shadow', position, segmentEnd);
    } else {
      const mainEnd = Math.min(segmentEnd, node.mainLimit);
      push('main', position, mainEnd);
      push('shadow', mainEnd, segmentEnd);
    }
    position = segmentEnd;
  }
  return runs;
}

/** Blocks [first, last] that a write of [offset, offset + length) touches (none for an empty write). */
export function touchedBlocks(blockSize: number, offset: number, length: number): { first: number; last: number } | undefined {
  if (length === 0) return undefined;
  return { first: Math.floor(offset / blockSize), last: Math.floor((offset + length - 1) / blockSize) };
}

/**
 * The parts of block `block` a write of [offset, end) leaves untouched and that still
 * hold main's data (below the main limit): what must be copied from main into the shadow
 * before the block's bit can be set.
 */
export function fillRanges(blockSize: number, block: number, offset: number, end: number, mainLimit: number): { offset: number; length: number }[] {
  const blockStart = block * blockSize;
  const blockEnd = Math.min((block + 1) * blockSize, mainLimit);
  const ranges: { offset: number; length: number }[] = [];
  const headEnd = Math.min(offset, blockEnd);
  if (headEnd > blockStart) ranges.push({ offset: blockStart, length: headEnd - blockStart });
  const tailStart = Math.max(end, blockStart);
  if (blockEnd > tailStart) ranges.push({ offset: tailStart, length: blockEnd - tailStart });
  return ranges;
}

import { lstatSync, readdirSync } from 'node:fs';
import { isDirectoryMode } from './attributes.js';
import type { InodeNumbering } from './inode-identity.js';
import type { NodeEntry, NodeTable } from './node-table.js';

/** Entries handled between two yields to the event loop, so calls keep being answered. */
const ENTRIES_PER_SLICE = 512;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Walks the export breadth-first and records every object in the node table. After a
 * restart this is how handles clients still hold find their paths again: the handle
 * names an inode, and only a walk can tell where that inode lives. Each directory is
 * read and recorded in one synchronous step, so it never interleaves with a rename.
 * Returns the number of objects seen (at most maxEntries).
 */
export async function scanTree(table: NodeTable, numbering: InodeNumbering, maxEntries: number): Promise<number> {
  const queue: NodeEntry[] = [table.root];
  let seen = 0;
  let sinceYield = 0;
  for (let next = queue.shift(); next !== undefined && seen < maxEntries; next = queue.shift()) {
    const dir = next;
    const dirPath = table.pathOf(dir);
    let names: string[];
    try {
      names = readdirSync(dirPath);
    } catch {
      continue; // removed or replaced since it was queued
    }
    for (const name of names) {
      const stats = lstatSync(`${dirPath}/${name}`, { bigint: true, throwIfNoEntry: false });
      if (stats === undefined) continue;
      const isDirectory = isDirectoryMode(stats.mode);
      const entry = table.record(dir, name, numbering.identityOf(stats), isDirectory);
      if (isDirectory) queue.push(entry);
      seen++;
      if (seen >= maxEntries) break;
    }
    sinceYield += names.length + 1;
    if (sinceYield >= ENTRIES_PER_SLICE) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
  return seen;
}

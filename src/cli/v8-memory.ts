/**
 * Imported first by the `row` entry: asks V8 to favour a small heap over peak speed. A
 * gateway is a small appliance and the proxy's issue sets an RSS goal (< 150 MB after a
 * client walks 100,000 files); with V8's defaults the young generation alone grows to
 * 32 MB and garbage from a tree walk sits in the old generation until it reaches its
 * initial limit (RSS ~180 MB, of which ~15 MB live). `--optimize-for-size` only changes
 * GC and heap-growing heuristics that V8 reads as it runs, so setting it this early
 * (before any work) takes effect; measured: RSS ~115-130 MB after the walk, same walk
 * time, same READ and GETATTR rates.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--optimize-for-size');

import { nfs3CodecFor, Nfs3Proc } from '../nfs/index.js';
import type { ReadAheadCounters } from './read-ahead.js';

/** Where a call was answered from: the main (image) server, the shadow server, or the proxy itself. */
export type Destination = 'main' | 'shadow' | 'local';

export interface DestinationCounter {
  /** Upstream RPCs made (main, shadow), or client calls answered with none (local). */
  calls: number;
  /** READ/WRITE payload bytes moved from or to that place. */
  bytes: number;
}

export interface ProcedureMetrics {
  /** Client calls of this procedure. */
  calls: number;
  main: DestinationCounter;
  shadow: DestinationCounter;
  local: DestinationCounter;
}

/** A plain snapshot (the paper's Figure 5 and Section 4.3): per client procedure, by destination. */
export interface RowProxyMetrics {
  procedures: Record<string, ProcedureMetrics>;
  totals: { calls: number; main: DestinationCounter; shadow: DestinationCounter; local: DestinationCounter };
  /** Calls answered NFS3ERR_JUKEBOX because an upstream did not answer in time. */
  jukebox: number;
  /** Calls that failed inside the proxy (NFS3ERR_SERVERFAULT or NFS3ERR_IO). */
  failures: number;
  sessions: number;
  cachedHandles: number;
  /** Main READs fetched ahead of sequential readers: used (counted under READ -> main) and wasted. */
  readAhead: ReadAheadCounters;
  uptimeMs: number;
}

/** What one client call did upstream, gathered while it runs. */
export interface CallCounts {
  mainCalls: number;
  mainBytes: number;
  shadowCalls: number;
  shadowBytes: number;
}

const PROC_COUNT = Object.keys(Nfs3Proc).length;

function emptyCounter(): DestinationCounter {
  return { calls: 0, bytes: 0 };
}

function emptyProcedure(): ProcedureMetrics {
  return { calls: 0, main: emptyCounter(), shadow: emptyCounter(), local: emptyCounter() };
}

function add(into: DestinationCounter, from: DestinationCounter): void {
  into.calls += from.calls;
  into.bytes += from.bytes;
}

/** Counters indexed by procedure number; one add per finished call, no allocation on the hot path. */
export class ProxyMetrics {
  private readonly perProc: ProcedureMetrics[] = Array.from({ length: PROC_COUNT }, emptyProcedure);
  private readonly started = performance.now();
  jukebox = 0;
  failures = 0;

  record(proc: number, counts: CallCounts, localBytes = 0): void {
    const entry = this.perProc[proc];
    if (entry === undefined) return;
    entry.calls++;
    entry.main.calls += counts.mainCalls;
    entry.main.bytes += counts.mainBytes;
    entry.shadow.calls += counts.shadowCalls;
    entry.shadow.bytes += counts.shadowBytes;
    if (counts.mainCalls === 0 && counts.shadowCalls === 0) {
      entry.local.calls++;
      entry.local.bytes += localBytes;
    }
  }

  /** NULL and MOUNT calls never leave the proxy. */
  recordLocal(proc: number): void {
    const entry = this.perProc[proc];
    if (entry === undefined) return;
    entry.calls++;
    entry.local.calls++;
  }

  snapshot(extra: { sessions: number; cachedHandles: number; readAhead: ReadAheadCounters }): RowProxyMetrics {
    const procedures: Record<string, ProcedureMetrics> = {};
    const totals = { calls: 0, main: emptyCounter(), shadow: emptyCounter(), local: emptyCounter() };
    this.perProc.forEach((entry, proc) => {
      const name = nfs3CodecFor(proc)?.name ?? String(proc);
      procedures[name] = { calls: entry.calls, main: { ...entry.main }, shadow: { ...entry.shadow }, local: { ...entry.local } };
      totals.calls += entry.calls;
      add(totals.main, entry.main);
      add(totals.shadow, entry.shadow);
      add(totals.local, entry.local);
    });
    return {
      procedures,
      totals,
      jukebox: this.jukebox,
      failures: this.failures,
      sessions: extra.sessions,
      cachedHandles: extra.cachedHandles,
      readAhead: { ...extra.readAhead },
      uptimeMs: performance.now() - this.started,
    };
  }
}

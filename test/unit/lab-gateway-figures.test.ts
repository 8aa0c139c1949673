/**
 * The demo's and the boot benchmark's reading of the gateway's metrics: built from the proxy's
 * own metric families (src/rowfs), so a renamed metric or label breaks this test, not the demo.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figuresBetween, gatewayFigures } from '../../src/cli/lab/index.js';
import { formatSummary } from '../../src/cli/commands/demo/summary.js';
import type { RowProxyMetrics } from '../../src/rowfs/index.js';
import { rowProxyMetricFamilies } from '../../src/rowfs/index.js';

function counter(calls: number, bytes = 0): { calls: number; bytes: number } {
  return { calls, bytes };
}

function snapshot(readBytes: number, writeBytes: number): RowProxyMetrics {
  const none = counter(0);
  return {
    procedures: {
      READ: { calls: 4, main: counter(3, readBytes), shadow: counter(1, 100), local: none },
      WRITE: { calls: 2, main: counter(1, 4096), shadow: counter(3, writeBytes), local: none },
      GETATTR: { calls: 5, main: counter(1), shadow: none, local: counter(4) },
      MKNOD: { calls: 0, main: none, shadow: none, local: none },
    },
    totals: { calls: 11, main: counter(5, readBytes + 4096), shadow: counter(4, writeBytes + 100), local: counter(4) },
    jukebox: 0,
    failures: 0,
    sessions: 1,
    cachedHandles: 7,
    readAhead: { hits: 2, wastedReads: 1, wastedBytes: 32768 },
    uptimeMs: 1000,
  };
}

test('gateway figures: calls by procedure, image server bytes, bytes written to the shadow, read-ahead', () => {
  const figures = gatewayFigures(rowProxyMetricFamilies(snapshot(1_000_000, 90)));
  assert.deepEqual(figures.clientCalls, { READ: 4, WRITE: 2, GETATTR: 5 });
  assert.equal(figures.totalClientCalls, 11);
  assert.deepEqual(figures.main, { calls: 5, bytes: 1_004_096 });
  assert.deepEqual(figures.shadow, { calls: 4, bytes: 190, writtenBytes: 90 });
  assert.equal(figures.localCalls, 4);
  assert.deepEqual(figures.readAhead, { hits: 2, wastedBytes: 32768 });
});

test('gateway figures between two snapshots count what happened in between', () => {
  const before = gatewayFigures(rowProxyMetricFamilies(snapshot(1_000, 10)));
  const after = gatewayFigures(rowProxyMetricFamilies(snapshot(5_000, 30)));
  const between = figuresBetween(before, after);
  assert.equal(between.main.bytes, 4_000);
  assert.equal(between.shadow.writtenBytes, 20);
  assert.deepEqual(between.clientCalls, {}, 'no new calls');
});

test('the demo summary names boot time, image bytes against the image size, shadow writes and procedures', () => {
  const figures = gatewayFigures(rowProxyMetricFamilies(snapshot(1_500_000, 90)));
  const lines = formatSummary({ times: { initramfsMs: 9_000, upMs: 12_345 }, imageBytes: 2_000_000, imageFiles: 12, figures });
  const text = lines.join('\n');
  assert.match(text, /boot time +12\.3 s power-on -> ROWBOOT-APPLIANCE-UP \(initramfs at 9\.0 s\)/);
  assert.match(text, /image server +read 1\.50 MB of the 2\.00 MB image \(75%\) in 5 RPCs \(12 files in the image\)/);
  assert.match(text, /shadow +wrote 90 B \(WRITE payload\)/);
  assert.match(text, /by procedure +GETATTR 5, READ 4, WRITE 2$/m);
  assert.match(formatSummary({ times: { initramfsMs: undefined, upMs: undefined }, imageBytes: 1, imageFiles: 1, figures: undefined }).join('\n'), /not reached[\s\S]*unavailable/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryError, gcCandidates, gcDecisions, type GcInput, type VersionUsage } from '../../src/registry/index.js';

const TTL = 60_000;
const GRACE = 30_000;
const PUBLISHED = 1_000_000;

function idle(version: number, lastUsedAt: number | null = null): VersionUsage {
  return { version, users: 0, exact: true, lastUsedAt };
}

function input(versions: VersionUsage[], now: number, extra: Partial<GcInput> = {}): GcInput {
  return { latest: { version: 4, publishedAt: PUBLISHED }, versions, ttlMs: TTL, graceMs: GRACE, now, ...extra };
}

test('old versions unused for longer than TTL + grace are collected; the latest never is', () => {
  const later = PUBLISHED + TTL + GRACE + 1;
  assert.deepEqual(gcCandidates(input([idle(1), idle(2, PUBLISHED - 5), idle(3), idle(4)], later)), [1, 2, 3]);
  // Even with no usage data at all and a far future clock, the latest stays.
  assert.deepEqual(gcCandidates(input([idle(4)], Number.MAX_SAFE_INTEGER)), []);
});

test('versions in use, recently used, newer than the latest or counted incompletely are kept', () => {
  const now = PUBLISHED + 10 * TTL;
  const decisions = gcDecisions(
    input(
      [
        { version: 1, users: 2, exact: true, lastUsedAt: now + TTL },
        idle(2, now - TTL - GRACE), // expired exactly TTL+grace ago: not yet "longer than"
        { version: 3, users: 0, exact: false, lastUsedAt: null },
        idle(5),
      ],
      now,
    ),
  );
  assert.deepEqual(
    decisions.map((decision) => [decision.version, decision.collect]),
    [[1, false], [2, false], [3, false], [5, false]],
  );
  assert.match(decisions[0]?.reason ?? '', /2 gateways use it/);
  assert.match(decisions[1]?.reason ?? '', /needs more than 90 s/);
  assert.match(decisions[2]?.reason ?? '', /incomplete/);
  assert.match(decisions[3]?.reason ?? '', /newer than the latest/);
});

test('the zero-users clock starts no earlier than the latest publish', () => {
  const justAfter = PUBLISHED + TTL; // v1 unused for ages, but v4 was published only TTL ago
  assert.deepEqual(gcCandidates(input([idle(1, 0)], justAfter)), []);
  assert.deepEqual(gcCandidates(input([idle(1, 0)], PUBLISHED + TTL + GRACE + 1)), [1]);
});

test('--keep N keeps the N newest versions up to the latest', () => {
  const later = PUBLISHED + TTL + GRACE + 1;
  const all = [idle(1), idle(2), idle(3), idle(4), idle(5)];
  assert.deepEqual(gcCandidates(input(all, later, { keep: 1 })), [1, 2, 3]);
  assert.deepEqual(gcCandidates(input(all, later, { keep: 2 })), [1, 2]);
  assert.deepEqual(gcCandidates(input(all, later, { keep: 10 })), []);
  assert.throws(() => gcCandidates(input(all, later, { keep: 0 })), RegistryError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabeledCounter, renderPrometheusText, startMetricsEndpoint } from '../../src/metrics/index.js';

test('LabeledCounter adds per label set and renders Prometheus text with escaped labels', () => {
  const calls = new LabeledCounter('rowboot_rpc_calls_total', 'RPC calls by procedure and destination', ['procedure', 'destination']);
  calls.add({ procedure: 'READ', destination: 'main' });
  calls.add({ procedure: 'READ', destination: 'main' }, 2);
  calls.add({ procedure: 'WRITE', destination: 'sha"dow\n' });
  assert.equal(calls.get({ procedure: 'READ', destination: 'main' }), 3);
  assert.equal(calls.get({ procedure: 'READ', destination: 'shadow' }), 0);
  const text = renderPrometheusText([calls.family()]);
  assert.equal(
    text,
    [
      '# HELP rowboot_rpc_calls_total RPC calls by procedure and destination',
      '# TYPE rowboot_rpc_calls_total counter',
      'rowboot_rpc_calls_total{procedure="READ",destination="main"} 3',
      'rowboot_rpc_calls_total{procedure="WRITE",destination="sha\\"dow\\n"} 1',
      '',
    ].join('\n'),
  );
});

test('the HTTP endpoint serves /metrics, /metrics.json and 404s elsewhere', async () => {
  const counter = new LabeledCounter('demo_total', 'demo', ['kind']);
  counter.add({ kind: 'a' }, 5);
  const endpoint = await startMetricsEndpoint('127.0.0.1', 0, [() => [counter.family()]]);
  try {
    const base = `http://127.0.0.1:${endpoint.port}`;
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.match(text, /^demo_total\{kind="a"\} 5$/m);
    const json = (await (await fetch(`${base}/metrics.json`)).json()) as Array<{ name: string; samples: Array<{ value: number }> }>;
    assert.equal(json[0]?.name, 'demo_total');
    assert.equal(json[0]?.samples[0]?.value, 5);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
  } finally {
    await endpoint.close();
  }
});

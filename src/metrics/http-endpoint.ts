import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderPrometheusText } from './prometheus-text.js';
import type { MetricFamily, MetricsSource } from './types.js';

export interface MetricsEndpoint {
  port: number;
  close(): Promise<void>;
}

export class MetricsEndpointError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MetricsEndpointError';
  }
}

function collect(sources: readonly MetricsSource[]): MetricFamily[] {
  return sources.flatMap((source) => source());
}

/**
 * Serves the metrics over HTTP: `/metrics` in Prometheus text (what a scraper expects at
 * that path), `/metrics.json` as JSON for people and scripts. Read-only; any other path 404s.
 */
export async function startMetricsEndpoint(host: string, port: number, sources: readonly MetricsSource[]): Promise<MetricsEndpoint> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      response.end(renderPrometheusText(collect(sources)));
    } else if (path === '/metrics.json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`${JSON.stringify(collect(sources), null, 2)}\n`);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('try /metrics or /metrics.json\n');
    }
  });
  await new Promise<void>((done, fail) => {
    server.once('error', (error) => fail(new MetricsEndpointError(`cannot listen on ${host}:${port}: ${error.message}`, { cause: error })));
    server.listen(port, host, () => done());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

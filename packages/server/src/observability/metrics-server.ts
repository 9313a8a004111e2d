/**
 * The metrics port (`metricsPort`, `--metrics-port`): plain HTTP with `/metrics` for Prometheus
 * and the health endpoints, on its own port so that scraping and probes stay apart from
 * the API (and its TLS and credentials).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../common/logger.js';
import type { HealthEndpoints } from './health.js';
import type { ServerMetrics } from './metrics.js';

export class MetricsServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async listen(host: string, port: number, metrics: ServerMetrics, health: HealthEndpoints, log: Logger): Promise<MetricsServer> {
    const server = createServer((req, res) => {
      // `GET //[::1` passes node's parser but not URL's: answered 404, never thrown (a throw here ends the process).
      const path = URL.canParse(req.url ?? '/', 'http://localhost') ? new URL(req.url ?? '/', 'http://localhost').pathname : '';
      if (health.serve(req, res, path)) return;
      if (path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('not found: this port serves /metrics, /healthz and /readyz\n');
        return;
      }
      metrics.exposition().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        (err: unknown) => {
          log.error({ err }, 'metrics scrape failed');
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('metrics unavailable\n');
        },
      );
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new MetricsServer(server, (server.address() as AddressInfo).port);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

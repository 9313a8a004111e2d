/**
 * The UI port (8233 for `start-dev`): one HTTP/1.1 server for the HTTP JSON API under
 * `/api/v1`, the health endpoints `/healthz` and `/readyz` (observability/health.ts), and the
 * web UI everywhere else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../common/logger.js';
import type { HttpApi } from './http-api.js';
import type { StaticUi } from './static-ui.js';
import type { HealthEndpoints } from '../observability/health.js';

export class UiServer {
  private constructor(
    private readonly server: Server | HttpsServer,
    readonly port: number,
  ) {}

  static async listen(
    host: string,
    port: number,
    api: HttpApi,
    ui: StaticUi,
    log: Logger,
    tls?: TlsOptions,
    health?: HealthEndpoints,
  ): Promise<UiServer> {
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      const url = requestUrl(req);
      if (!url) {
        // `GET //` or `GET //[::1`: node's parser lets them through, URL does not (and used to throw here, ending the process).
        res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('bad request target\n');
        return;
      }
      // Outside /api/v1: probes need no credentials.
      if (health?.serve(req, res, url.pathname)) return;
      const served = url.pathname === '/api' || url.pathname.startsWith('/api/') ? api.handle(req, res, url) : ui.serve(req, res, url);
      served.catch((err: unknown) => {
        log.error({ err, path: url.pathname }, 'http request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end();
      });
    };
    const server = tls ? createHttpsServer(tls, handle) : createServer(handle);
    // Long polls and slow clients must not pin the process at shutdown; keep-alive stays short.
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new UiServer(server, (server.address() as AddressInfo).port);
  }

  /** A renewed certificate (TLS only). */
  setSecureContext(options: SecureContextOptions): void {
    if ('setSecureContext' in this.server) this.server.setSecureContext(options);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/** The request target as a URL, or null when it is not one (a target such as `//[::1`). */
export function requestUrl(req: Pick<IncomingMessage, 'url'>): URL | null {
  return URL.canParse(req.url ?? '/', 'http://localhost') ? new URL(req.url ?? '/', 'http://localhost') : null;
}

/**
 * TLS for the gRPC port and the UI/HTTP port: the server's certificate and key, and, when a
 * client CA is given, mutual TLS (a client without a certificate that CA signed is refused in
 * the handshake). The files are read again when they change, so a renewed certificate is
 * served without a restart; a renewal that cannot be read is logged and the old one kept.
 */
import { readFileSync, statSync } from 'node:fs';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import type { Logger } from '../common/logger.js';

export interface TlsSettings {
  certPath: string;
  keyPath: string;
  /** CA whose client certificates are accepted; null: clients need none (TLS, not mTLS). */
  clientCaPath: string | null;
  /** How often the files are checked for a change. */
  reloadIntervalMs: number;
}

/** The certificate, key and client CA as the TLS stack takes them; throws naming the file it cannot read. */
export function readTlsFiles(settings: TlsSettings): SecureContextOptions {
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} ${path}: ${(err as Error).message}`, { cause: err });
    }
  };
  const files: SecureContextOptions = { cert: read(settings.certPath, 'certificate'), key: read(settings.keyPath, 'key') };
  if (settings.clientCaPath !== null) files.ca = read(settings.clientCaPath, 'client CA');
  return files;
}

/** Options for `http2.createSecureServer` / `https.createServer`. */
export function tlsServerOptions(settings: TlsSettings): TlsOptions {
  const mutual = settings.clientCaPath !== null;
  return { ...readTlsFiles(settings), minVersion: 'TLSv1.2', requestCert: mutual, rejectUnauthorized: mutual };
}

/** Something serving TLS whose certificate can be replaced while it runs. */
export interface SecureServer {
  setSecureContext(options: SecureContextOptions): void;
}

/** Watches the files (by modification time and size) and hands new contents to the servers. */
export class TlsReloader {
  private timer: NodeJS.Timeout | null = null;
  private seen: string;

  constructor(
    private readonly settings: TlsSettings,
    private readonly servers: SecureServer[],
    private readonly log: Logger,
  ) {
    this.seen = this.fingerprint();
  }

  start(): void {
    this.timer = setInterval(() => this.check(), this.settings.reloadIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reload now if a file changed (also what the interval does). */
  check(): void {
    const now = this.fingerprint();
    if (now === this.seen) return;
    try {
      const files = readTlsFiles(this.settings);
      for (const server of this.servers) server.setSecureContext(files);
      this.seen = now;
      this.log.info({ cert: this.settings.certPath }, 'TLS certificate reloaded');
    } catch (err) {
      // A half-written renewal: keep serving the old one, try again on the next check.
      this.log.error({ err }, 'TLS files changed but cannot be used; still serving the previous certificate');
    }
  }

  private fingerprint(): string {
    const paths = [this.settings.certPath, this.settings.keyPath, this.settings.clientCaPath].filter((p): p is string => p !== null);
    return paths
      .map((path) => {
        try {
          const s = statSync(path);
          return `${s.mtimeMs}:${s.size}`;
        } catch {
          return 'missing';
        }
      })
      .join('|');
  }
}

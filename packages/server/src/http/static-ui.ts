/**
 * The web UI's built files (the @endure/ui package's `dist/`), served with the single-page
 * app's fallback: a path that names no file gets `index.html`, and the app routes it. Files
 * are read once, then kept with their gzip and brotli forms (the whole UI is a few hundred
 * kilobytes). Hashed assets are cached by browsers for a year; `index.html` never.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** What the UI may load: only its own files (no CDN); inline styles for positioned elements. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

interface CachedFile {
  type: string;
  raw: Buffer;
  gzip?: Buffer;
  brotli?: Buffer;
}

/**
 * The folder holding the built UI, or null when @endure/ui is missing or not built. The
 * `endure` command depends on @endure/ui; a program that embeds @endure/server and wants the
 * UI installs it beside (it is an optional peer dependency: tests and SDK users skip it).
 */
export function builtUiDirectory(): string | null {
  try {
    const manifest = createRequire(import.meta.url).resolve('@endure/ui/package.json');
    const dir = join(dirname(manifest), 'dist');
    return existsSync(join(dir, 'index.html')) ? dir : null;
  } catch {
    return null;
  }
}

export class StaticUi {
  private readonly files = new Map<string, Promise<CachedFile | null>>();

  /** `dir`: the built UI; null answers every page with a note that the UI is not built. */
  constructor(private readonly dir: string | null) {}

  async serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('method not allowed\n');
      return;
    }
    if (this.dir === null) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('The Endure web UI is not built in this installation (npm run build builds it). The HTTP API is at /api/v1.\n');
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      path = '/';
    }
    let file = await this.load(path);
    // A path without a file extension is a route of the app.
    if (!file && extname(path) === '') file = await this.load('/index.html');
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('not found\n');
      return;
    }
    const accepts = String(req.headers['accept-encoding'] ?? '');
    const [body, encoding] =
      file.brotli && /\bbr\b/.test(accepts)
        ? [file.brotli, 'br']
        : file.gzip && /\bgzip\b/.test(accepts)
          ? [file.gzip, 'gzip']
          : [file.raw, undefined];
    const immutable = path.startsWith('/assets/');
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': body.length,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      ...(encoding ? { 'content-encoding': encoding } : {}),
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** The file at URL path `path` inside the UI folder, or null (never a file outside it). */
  private load(path: string): Promise<CachedFile | null> {
    let cached = this.files.get(path);
    if (!cached) {
      cached = this.read(path);
      this.files.set(path, cached);
    }
    return cached;
  }

  private async read(path: string): Promise<CachedFile | null> {
    const root = this.dir!;
    const full = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!full.startsWith(root + sep)) return null;
    let raw: Buffer;
    try {
      raw = await readFile(full);
    } catch {
      this.files.delete(path); // not cached: the folder may be rebuilt while serving
      return null;
    }
    const type = CONTENT_TYPES[extname(full)] ?? 'application/octet-stream';
    const compressible = raw.length > 1024 && /^(text\/|application\/json|image\/svg)/.test(type);
    return {
      type,
      raw,
      gzip: compressible ? gzipSync(raw, { level: 9 }) : undefined,
      brotli: compressible ? brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }) : undefined,
    };
  }
}

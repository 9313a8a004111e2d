/**
 * The server's HTTP JSON API (Temporal's `/api/v1/...` paths, protobuf's canonical JSON with
 * payloads shown as their JSON value where their encoding allows). Every page talks to the
 * server through these functions. On a server with auth, each request carries the API key or
 * JWT the user entered (kept in localStorage) as `authorization: Bearer …`, and a 401 answer
 * tells `onUnauthenticated` listeners (the token prompt) to ask for one.
 */

const TOKEN_STORAGE_KEY = 'endure.apiToken';

/** The API key or JWT the user entered, or null. */
export function apiToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_STORAGE_KEY) || null;
  } catch {
    return null;
  }
}

/** Keeps `token` for every later request (null forgets it). */
export function setApiToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_STORAGE_KEY, token);
    else localStorage.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // Private mode: nothing is kept; the prompt asks again.
  }
}

const unauthenticatedListeners = new Set<(message: string) => void>();

/** Calls `listener` with the server's message whenever it answers 401; returns the unsubscribe. */
export function onUnauthenticated(listener: (message: string) => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** A call the server refused: the gRPC status it answered with, and its message. */
export class ApiError extends Error {
  constructor(
    /** The HTTP status (404, 400, …). */
    readonly httpStatus: number,
    /** The gRPC status code (5 = NOT_FOUND, 3 = INVALID_ARGUMENT, …). */
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get notFound(): boolean {
    return this.code === 5;
  }
}

export type QueryParams = Record<string, string | number | boolean | undefined | null>;

/** `GET /api/v1<path>?params`; `path` segments must already be encoded (see `enc`). */
export function apiGet<T>(path: string, params: QueryParams = {}, signal?: AbortSignal): Promise<T> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const query = search.toString();
  return call<T>(`/api/v1${path}${query ? `?${query}` : ''}`, { method: 'GET', signal });
}

/** `POST /api/v1<path>` with `body` as JSON. */
export function apiPost<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  return call<T>(`/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
    signal,
  });
}

/** A path segment, encoded. */
export function enc(segment: string): string {
  return encodeURIComponent(segment);
}

async function call<T>(url: string, init: RequestInit): Promise<T> {
  const token = apiToken();
  if (token) init = { ...init, headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` } };
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 14, `the server cannot be reached (${(err as Error).message})`);
  }
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    if (!response.ok) throw new ApiError(response.status, 2, text || response.statusText);
    throw new ApiError(response.status, 13, 'the server answered with something that is not JSON');
  }
  if (!response.ok) {
    const error = body as { code?: number; message?: string };
    if (response.status === 401) for (const listener of unauthenticatedListeners) listener(error.message ?? response.statusText);
    throw new ApiError(response.status, error.code ?? 2, error.message ?? response.statusText);
  }
  return body as T;
}

/** `DELETE /api/v1<path>?params`. */
export function apiDelete<T>(path: string, params: QueryParams = {}, signal?: AbortSignal): Promise<T> {
  const query = new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (v === undefined || v === null || v === '' ? [] : [[k, String(v)]]))).toString();
  return call<T>(`/api/v1${path}${query ? `?${query}` : ''}`, { method: 'DELETE', signal });
}

/** A v4 UUID for `requestId`; `crypto.randomUUID` exists only on secure origins, and the UI may be served over plain http. */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

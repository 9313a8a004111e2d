/**
 * From a call's `authorization` header to a principal: an Endure API key, the bootstrap admin
 * key, or a JWT. Anything missing, malformed, unknown, expired or revoked is UNAUTHENTICATED
 * with the reason; what the principal may do is authorize.ts's question.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import type { Store } from '../persistence/store.js';
import { API_KEY_PREFIX, ApiKeyAuthenticator } from './api-keys.js';
import type { JwtAuthenticator } from './jwt.js';
import { principalOf, type Principal } from './permissions.js';
import type { AuthSettings } from './settings.js';

/** Longest authorization header read: big JWTs are a few KiB; more is not a credential. */
const AUTHORIZATION_HEADER_BYTES_MAX = 16 * 1024;

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function unauthenticated(message: string): ServiceError {
  return new ServiceError(Status.UNAUTHENTICATED, message);
}

export class Authenticator {
  private constructor(
    readonly apiKeys: ApiKeyAuthenticator,
    private readonly jwt: JwtAuthenticator | null,
    /** SHA-256 of the bootstrap admin key, compared in constant time. */
    private readonly adminKeyHash: Buffer | null,
  ) {}

  static async create(settings: AuthSettings, store: Store, nowMs: () => number): Promise<Authenticator> {
    const jwt = settings.jwt ? await (await loadJwt()).JwtAuthenticator.create(settings.jwt, nowMs) : null;
    const adminKeyHash = settings.adminApiKey === null ? null : sha256(settings.adminApiKey);
    return new Authenticator(new ApiKeyAuthenticator(store, nowMs), jwt, adminKeyHash);
  }

  async authenticate(headers: Headers): Promise<Principal> {
    const token = bearerToken(headers);
    if (this.adminKeyHash && timingSafeEqual(sha256(token), this.adminKeyHash)) {
      return principalOf('bootstrap admin api key', ['system:admin']);
    }
    if (token.startsWith(API_KEY_PREFIX)) return this.apiKeys.authenticate(token);
    if (this.jwt && token.split('.').length === 3) return this.jwt.authenticate(token);
    throw unauthenticated(
      this.jwt ? 'credential not recognised: neither an Endure API key nor a JWT' : 'credential not recognised: not an Endure API key (this server accepts no JWTs)',
    );
  }
}

/** The token of `authorization: Bearer <token>`; UNAUTHENTICATED saying what is wrong otherwise. */
function bearerToken(headers: Headers): string {
  const header = headers['authorization'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') {
    throw unauthenticated('missing authorization header: send "authorization: Bearer <API key or JWT>"');
  }
  if (value.length > AUTHORIZATION_HEADER_BYTES_MAX) throw unauthenticated(`authorization header longer than ${AUTHORIZATION_HEADER_BYTES_MAX} bytes`);
  const match = /^Bearer +(\S+) *$/i.exec(value);
  if (!match) throw unauthenticated('authorization header must be "Bearer <API key or JWT>"');
  return match[1]!;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** JWT checks, loaded only when JWTs are accepted: their library (jose) costs tens of milliseconds of a start. */
async function loadJwt(): Promise<typeof import('./jwt.js')> {
  return import('./jwt.js');
}

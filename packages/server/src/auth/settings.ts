/** The `auth` server option (config.ts) and its checks: off unless given. */

/** What `EndureServer.start({ auth })` takes. Giving it turns authentication on. */
export interface AuthOptions {
  /**
   * Accept JWTs verified against this key set, besides API keys. One of `jwksPath` (a JWKS
   * file, read again when it changes) or `jwksUrl` (fetched and cached).
   */
  jwt?: {
    jwksPath?: string;
    jwksUrl?: string;
    /** The `iss` tokens must carry; any when absent. */
    issuer?: string;
    /** An `aud` tokens must carry; any when absent. */
    audience?: string;
    /** The claim holding the permission list. Default `permissions` (Temporal's). */
    permissionsClaim?: string;
  };
  /**
   * A bootstrap secret that authenticates as `system:admin`: start with it, create real API
   * keys (`endure operator api-key create`), then remove it. At least 32 characters.
   */
  adminApiKey?: string;
}

export interface JwtSettings {
  jwksPath: string | null;
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
  permissionsClaim: string;
}

export interface AuthSettings {
  jwt: JwtSettings | null;
  adminApiKey: string | null;
}

/** The bootstrap key's least length: it must be as hard to guess as a generated key. */
export const ADMIN_API_KEY_LENGTH_MIN = 32;

export function checkAuth(auth: AuthOptions | undefined): AuthSettings | null {
  if (auth === undefined) return null;
  if (typeof auth !== 'object' || auth === null) throw new TypeError('auth must be an object of settings');
  const { adminApiKey } = auth;
  if (adminApiKey !== undefined && (typeof adminApiKey !== 'string' || adminApiKey.length < ADMIN_API_KEY_LENGTH_MIN)) {
    throw new TypeError(`auth.adminApiKey must be at least ${ADMIN_API_KEY_LENGTH_MIN} characters (a random secret), e.g. from openssl rand -hex 32`);
  }
  if (adminApiKey !== undefined && /\s/.test(adminApiKey)) throw new TypeError('auth.adminApiKey must not contain white space');
  return { jwt: checkJwt(auth.jwt), adminApiKey: adminApiKey ?? null };
}

function checkJwt(jwt: AuthOptions['jwt']): JwtSettings | null {
  if (jwt === undefined) return null;
  const { jwksPath, jwksUrl, issuer, audience, permissionsClaim } = jwt;
  if (!jwksPath === !jwksUrl) throw new TypeError('auth.jwt needs one of jwksPath (a JWKS file) or jwksUrl, not both');
  if (jwksUrl) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch (err) {
      throw new TypeError(`auth.jwt.jwksUrl is not a URL: ${JSON.stringify(jwksUrl)}`, { cause: err });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('auth.jwt.jwksUrl must be an https:// (or http://) URL');
  }
  if (permissionsClaim !== undefined && (typeof permissionsClaim !== 'string' || permissionsClaim === '')) {
    throw new TypeError('auth.jwt.permissionsClaim must be a claim name');
  }
  return {
    jwksPath: jwksPath || null,
    jwksUrl: jwksUrl || null,
    issuer: issuer || null,
    audience: audience || null,
    permissionsClaim: permissionsClaim ?? 'permissions',
  };
}

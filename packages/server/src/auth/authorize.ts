/**
 * The authorization wrapper of the method table: every classified method (permissions.ts)
 * authenticates the call's `authorization` header and checks the access it needs before its
 * handler runs; public ones run as they are. The gRPC transport and the HTTP API serve the
 * same table, so both are covered, and no handler has to think about it.
 */
import type { Logger } from '../common/logger.js';
import type { UnaryMethod } from '../frontend/grpc-transport.js';
import type { Authenticator } from './authenticator.js';
import { checkAccess, methodAccess } from './permissions.js';

/**
 * The table with each handler behind its check. Throws for a method with no access class:
 * serving it would either leave it open or lock everyone out, silently.
 */
export function authorizeMethods(
  methods: ReadonlyMap<string, UnaryMethod>,
  authenticator: Authenticator,
  log: Logger,
): Map<string, UnaryMethod> {
  const wrapped = new Map<string, UnaryMethod>();
  for (const [path, method] of methods) {
    const access = methodAccess(path);
    if (access === 'public') {
      wrapped.set(path, method);
      continue;
    }
    const name = path.slice(path.lastIndexOf('/') + 1);
    wrapped.set(path, {
      decode: (bytes) => method.decode(bytes),
      encode: (response) => method.encode(response),
      handle: async (request, ctx) => {
        const principal = await authenticator.authenticate(ctx.headers);
        // Requests of namespace-scoped methods carry the namespace they act on; the decoded
        // request is the only place to read it (a header could say anything).
        const namespace = access.scope === 'namespace' ? namespaceOf(request) : '';
        checkAccess(principal, name, access, namespace);
        if (log.isLevelEnabled('debug')) log.debug({ method: name, namespace: namespace || undefined, principal: principal.subject }, 'authorized');
        return method.handle(request, ctx);
      },
    });
  }
  return wrapped;
}

function namespaceOf(request: unknown): string {
  const namespace = (request as { namespace?: unknown } | null)?.namespace;
  return typeof namespace === 'string' ? namespace : '';
}

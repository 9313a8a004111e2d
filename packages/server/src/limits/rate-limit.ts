/**
 * Per-namespace request rate (Temporal's frontend.namespaceRPS): a wrapper around the method
 * table, so the gRPC port and the HTTP API share one bucket per namespace.
 *
 * Which calls count: every call whose request names a registered namespace, as in Temporal's
 * NamespaceRateLimitInterceptor, task polls included (Temporal rejects polls over the rate
 * too unless system.pollWaitForNamespaceRateLimitToken is set; it is off by default).
 * Calls that name no namespace (GetSystemInfo, ListNamespaces, GetClusterInfo) and calls
 * naming an unknown one (answered NOT_FOUND at once) are not counted, so made-up names cannot
 * grow the table of buckets. Temporal keeps a second, smaller bucket for visibility calls
 * (frontend.namespaceRPS.visibility); here they share the namespace's one bucket.
 */
import type { Limits } from '../config.js';
import type { UnaryMethod } from '../frontend/grpc-transport.js';
import { rateLimitExceeded } from './resource-exhausted.js';
import { TokenBucket } from './token-bucket.js';

export interface RateLimitDeps {
  /** Monotonic milliseconds (performance.now in the server; a fake clock in tests). */
  nowMs: () => number;
  namespaceExists: (name: string) => boolean;
}

/** Buckets kept before full ones (equal to new ones) are dropped. */
const BUCKETS_BEFORE_SWEEP = 1000;

export function withNamespaceRateLimit(
  methods: ReadonlyMap<string, UnaryMethod>,
  limits: Pick<Limits, 'namespaceRps' | 'namespaceBurstRatio'>,
  deps: RateLimitDeps,
): Map<string, UnaryMethod> {
  const rate = limits.namespaceRps;
  const burst = Math.max(1, Math.floor(rate * limits.namespaceBurstRatio));
  const buckets = new Map<string, TokenBucket>();
  const bucketOf = (namespace: string, nowMs: number): TokenBucket => {
    let bucket = buckets.get(namespace);
    if (!bucket) {
      if (buckets.size >= BUCKETS_BEFORE_SWEEP) {
        for (const [name, b] of buckets) if (b.isFull(nowMs)) buckets.delete(name);
      }
      bucket = new TokenBucket(rate, burst, nowMs);
      buckets.set(namespace, bucket);
    }
    return bucket;
  };
  const wrapped = new Map<string, UnaryMethod>();
  for (const [path, method] of methods) {
    wrapped.set(path, {
      ...method,
      handle: (request, ctx) => {
        const namespace = namespaceOf(request);
        if (namespace && deps.namespaceExists(namespace)) {
          const nowMs = deps.nowMs();
          const waitMs = bucketOf(namespace, nowMs).take(nowMs);
          if (waitMs > 0) return Promise.reject(rateLimitExceeded(namespace, rate, burst, waitMs));
        }
        return method.handle(request, ctx);
      },
    });
  }
  return wrapped;
}

/** The request's `namespace` field, when it has one. */
export function namespaceOf(request: unknown): string {
  const namespace = (request as { namespace?: unknown } | null)?.namespace;
  return typeof namespace === 'string' ? namespace : '';
}

/**
 * The limits on client calls, wrapped around the method table in the order Temporal's
 * frontend applies them: the concurrent long-poll limit first, then the namespace's rate.
 * Limits on what a call carries (payload, memo sizes) and on what a run holds (history,
 * pending work) are checked where that data is handled: frontend/validation.ts and history/.
 */
import type { Limits } from '../config.js';
import type { UnaryMethod } from '../frontend/grpc-transport.js';
import { withLongPollLimit } from './long-poll-limit.js';
import { withNamespaceRateLimit, type RateLimitDeps } from './rate-limit.js';

export function withRequestLimits(methods: ReadonlyMap<string, UnaryMethod>, limits: Limits, deps: RateLimitDeps): Map<string, UnaryMethod> {
  return withLongPollLimit(withNamespaceRateLimit(methods, limits, deps), limits);
}

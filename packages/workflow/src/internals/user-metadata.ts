/** Temporal's user metadata (summaries and details for UIs) as commands carry it. */
import type { Payload } from '@endure/common';
import { payloadConverter } from './activator.js';

/** One payload each for `summary` and `details`, through the payload converter; nothing when neither is set. */
export function userMetadata(summary: string | undefined, details?: string): { summary?: Payload; details?: Payload } | undefined {
  if (summary === undefined && details === undefined) return undefined;
  return {
    summary: summary === undefined ? undefined : payloadConverter.toPayload(summary),
    details: details === undefined ? undefined : payloadConverter.toPayload(details),
  };
}

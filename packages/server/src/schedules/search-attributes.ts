/**
 * The search attributes a scheduled run carries beside the action's own:
 * `TemporalScheduledById` (the schedule id) and `TemporalScheduledStartTime` (the nominal time,
 * to the second), so `ListWorkflowExecutions` can find what a schedule started.
 */
import type { proto } from '../common/proto.js';

type ISearchAttributes = proto.temporal.api.common.v1.ISearchAttributes;
type IPayload = proto.temporal.api.common.v1.IPayload;

function jsonPayload(value: string, type: string): IPayload {
  return {
    metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(type) },
    data: Buffer.from(JSON.stringify(value)),
  };
}

export function scheduledSearchAttributes(attributes: ISearchAttributes | null | undefined, scheduleId: string, nominalMs: number): ISearchAttributes {
  const nominal = new Date(Math.floor(nominalMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return {
    indexedFields: {
      ...attributes?.indexedFields,
      TemporalScheduledStartTime: jsonPayload(nominal, 'Datetime'),
      TemporalScheduledById: jsonPayload(scheduleId, 'Keyword'),
    },
  };
}

/**
 * Payload and memo sizes of a workflow task's commands, checked as Temporal's
 * workflowSizeChecker does: sizes are of the encoded protobuf messages; past the warn
 * threshold a line is logged (when the task commits); past the error limit the task fails
 * with Temporal's cause and message, and the run is terminated with that message (Temporal's
 * blob size violation: a workflow that produces a too-large payload cannot make progress).
 */
import { enums, temporal, type proto } from '../common/proto.js';
import type { Limits } from '../config.js';
import type { CommandError } from './commands.js';
import type { ExecutionTx } from './execution-tx.js';

type Command = proto.temporal.api.command.v1.ICommand;
type Cause = number;

export interface CommandSizeLimits {
  blobSizeMaxBytes: number;
  limits: Pick<Limits, 'blobSizeWarnBytes' | 'memoSizeWarnBytes' | 'memoSizeMaxBytes'>;
}

const C = enums.WorkflowTaskFailedCause;
const { Payloads, Memo, SearchAttributes } = temporal.api.common.v1;
const { Failure } = temporal.api.failure.v1;

interface Blob {
  sizeBytes: number;
  kind: 'blob' | 'memo';
  cause: Cause;
  /** Temporal's message for this blob over its limit. */
  message: string;
}

type IPayloads = proto.temporal.api.common.v1.IPayloads;
type IMemo = proto.temporal.api.common.v1.IMemo;

const payloadsBytes = (p: IPayloads | null | undefined): number => (p ? Payloads.encode(p).finish().length : 0);
const memoBytes = (m: IMemo | null | undefined): number => (m ? Memo.encode(m).finish().length : 0);

/** The blobs of one command, with the cause and message Temporal gives each one over its limit. */
function blobsOf(c: Command): Blob[] {
  const blob = (sizeBytes: number, cause: Cause, message: string): Blob => ({ sizeBytes, kind: 'blob', cause, message });
  const memo = (sizeBytes: number, cause: Cause, message: string): Blob => ({ sizeBytes, kind: 'memo', cause, message });
  const T = enums.CommandType;
  switch (c.commandType) {
    case T.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
      const input = payloadsBytes(c.scheduleActivityTaskCommandAttributes?.input);
      return [blob(input, C.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, 'ScheduleActivityTaskCommandAttributes.Input exceeds size limit.')];
    }
    case T.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION: {
      const result = payloadsBytes(c.completeWorkflowExecutionCommandAttributes?.result);
      // Temporal gives this cause for a too-large result too; clients that look at the cause see the same.
      return [blob(result, C.WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, 'CompleteWorkflowExecutionCommandAttributes.Result exceeds size limit.')];
    }
    case T.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION: {
      const failure = c.failWorkflowExecutionCommandAttributes?.failure;
      const size = failure ? Failure.encode(failure).finish().length : 0;
      return [blob(size, C.WORKFLOW_TASK_FAILED_CAUSE_BAD_FAIL_WORKFLOW_EXECUTION_ATTRIBUTES, 'FailWorkflowExecutionCommandAttributes.Failure exceeds size limit.')];
    }
    case T.COMMAND_TYPE_RECORD_MARKER: {
      const details = Object.values(c.recordMarkerCommandAttributes?.details ?? {}).reduce((sum, p) => sum + payloadsBytes(p), 0);
      return [blob(details, C.WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES, 'RecordMarkerCommandAttributes.Details exceeds size limit.')];
    }
    case T.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION: {
      const attrs = c.continueAsNewWorkflowExecutionCommandAttributes;
      const cause = C.WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES;
      return [
        blob(payloadsBytes(attrs?.input), cause, 'ContinueAsNewWorkflowExecutionCommandAttributes. Input exceeds size limit.'),
        memo(memoBytes(attrs?.memo), cause, 'ContinueAsNewWorkflowExecutionCommandAttributes. Memo exceeds size limit.'),
      ];
    }
    case T.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: {
      const attrs = c.startChildWorkflowExecutionCommandAttributes;
      const cause = C.WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES;
      return [
        blob(payloadsBytes(attrs?.input), cause, 'StartChildWorkflowExecutionCommandAttributes. Input exceeds size limit.'),
        memo(memoBytes(attrs?.memo), cause, 'StartChildWorkflowExecutionCommandAttributes.Memo exceeds size limit.'),
      ];
    }
    case T.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: {
      const input = payloadsBytes(c.signalExternalWorkflowExecutionCommandAttributes?.input);
      return [blob(input, C.WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES, 'SignalExternalWorkflowExecutionCommandAttributes.Input exceeds size limit.')];
    }
    case T.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
      const attributes = c.upsertWorkflowSearchAttributesCommandAttributes?.searchAttributes;
      const size = attributes ? SearchAttributes.encode(attributes).finish().length : 0;
      return [blob(size, C.WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES, 'UpsertWorkflowSearchAttributesCommandAttributes exceeds size limit.')];
    }
    case T.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES: {
      const upserted = memoBytes(c.modifyWorkflowPropertiesCommandAttributes?.upsertedMemo);
      return [memo(upserted, C.WORKFLOW_TASK_FAILED_CAUSE_BAD_MODIFY_WORKFLOW_PROPERTIES_ATTRIBUTES, 'ModifyWorkflowPropertiesCommandAttributes. Memo exceeds size limit.')];
    }
    default:
      return [];
  }
}

/**
 * The first command blob over its limit, as a problem that terminates the run; blobs over
 * their warn threshold are noted for the log.
 */
export function commandSizeProblem(tx: ExecutionTx, commands: Command[], sizes: CommandSizeLimits): CommandError | null {
  for (const [i, c] of commands.entries()) {
    for (const b of blobsOf(c)) {
      const maxBytes = b.kind === 'memo' ? sizes.limits.memoSizeMaxBytes : sizes.blobSizeMaxBytes;
      const warnBytes = b.kind === 'memo' ? sizes.limits.memoSizeWarnBytes : sizes.limits.blobSizeWarnBytes;
      if (b.sizeBytes > maxBytes) {
        return { cause: b.cause, message: `${b.message} (command ${i}: ${b.sizeBytes} bytes, limit ${maxBytes} bytes)`, terminate: true };
      }
      if (b.sizeBytes > warnBytes) {
        const msg = b.kind === 'memo' ? 'Memo size exceeds the warning limit.' : 'Blob data size exceeds the warning limit.';
        tx.noteLog('warn', msg, { command: i, sizeBytes: b.sizeBytes, warnBytes });
      }
    }
  }
  return null;
}

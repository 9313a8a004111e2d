/** Temporal command types, by number (the sandbox does not load protobuf definitions). */
export const CommandType = {
  SCHEDULE_ACTIVITY_TASK: 1,
  REQUEST_CANCEL_ACTIVITY_TASK: 2,
  START_TIMER: 3,
  COMPLETE_WORKFLOW_EXECUTION: 4,
  FAIL_WORKFLOW_EXECUTION: 5,
  CANCEL_TIMER: 6,
  CANCEL_WORKFLOW_EXECUTION: 7,
  REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION: 8,
  RECORD_MARKER: 9,
  CONTINUE_AS_NEW_WORKFLOW_EXECUTION: 10,
  START_CHILD_WORKFLOW_EXECUTION: 11,
  SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: 12,
  UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: 13,
  PROTOCOL_MESSAGE: 14,
  MODIFY_WORKFLOW_PROPERTIES: 16,
} as const;

/** Marker written by patched()/deprecatePatch(), in the same format as Temporal's core SDK. */
export const PATCH_MARKER_NAME = 'core_patch';
export const PATCH_MARKER_DETAILS_KEY = 'patch-data';

/**
 * Who may call what: every RPC the server serves, classified by the access it needs (read,
 * worker, write, admin) and where that access must be held (in the request's namespace, or
 * system-wide); and the permission claims of a credential (`<namespace>:<role>`,
 * `system:<role>`, Temporal's JWT claim format) turned into roles.
 *
 * The classes follow Temporal's method metadata (common/api/metadata.go) and default
 * authorizer, with one addition: Temporal files polls and task answers under "write" and gives
 * its `worker` role nothing; here they are their own class, `worker`, so a worker's key can run
 * tasks without being able to start, signal or terminate workflows. Roles are ordered
 * read < worker < write < admin (each includes the ones before it), a `system:<role>` claim
 * holds that role in every namespace, and the highest role a credential holds is the one
 * checked (Temporal ORs role bits and compares them the same way).
 */
import { ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';

export const ROLES = ['read', 'worker', 'write', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A role's rank: a credential holding a role may do what every lower rank may. 0: none. */
const RANK: Record<Role, number> = { read: 1, worker: 2, write: 3, admin: 4 };

/** What a call needs. `public`: nothing (no credential is even read). */
export type MethodAccess = { scope: 'namespace' | 'system'; role: Role } | 'public';

/** What a credential may do: its best role system-wide and per namespace. */
export interface Principal {
  /** Who, for logs: an API key's `key <id> (<name>)`, a JWT's subject. */
  subject: string;
  systemRank: number;
  namespaceRanks: ReadonlyMap<string, number>;
}

const WS = '/temporal.api.workflowservice.v1.WorkflowService/';
const OS = '/temporal.api.operatorservice.v1.OperatorService/';
const AK = '/endure.operator.v1.ApiKeyService/';

const ns = (role: Role): MethodAccess => ({ scope: 'namespace', role });
const system = (role: Role): MethodAccess => ({ scope: 'system', role });

function entries(prefix: string, access: MethodAccess, names: string): [string, MethodAccess][] {
  return names
    .trim()
    .split(/\s+/)
    .map((name) => [prefix + name, access]);
}

/**
 * Every method's access, by gRPC path. permissions.test.ts fails when the protos have a method
 * this table does not name, so a new RPC cannot be served unclassified.
 */
export const METHOD_ACCESS: ReadonlyMap<string, MethodAccess> = new Map([
  // Health checks: no credential, as Temporal's default authorizer (GetSystemInfo is also the
  // SDKs' first call, before they would send a token they must first fetch).
  ...entries(WS, 'public', 'GetSystemInfo'),
  ['/grpc.health.v1.Health/Check', 'public'],
  ['/grpc.health.v1.Health/Watch', 'public'],

  ...entries(WS, system('read'), 'ListNamespaces GetClusterInfo GetSearchAttributes'),
  ...entries(
    WS,
    ns('read'),
    `DescribeNamespace GetWorkflowExecutionHistory GetWorkflowExecutionHistoryReverse
     ListOpenWorkflowExecutions ListClosedWorkflowExecutions ListWorkflowExecutions ListArchivedWorkflowExecutions
     ScanWorkflowExecutions CountWorkflowExecutions QueryWorkflow DescribeWorkflowExecution DescribeTaskQueue
     ListTaskQueuePartitions DescribeSchedule ListScheduleMatchingTimes ListSchedules CountSchedules
     GetWorkerBuildIdCompatibility GetWorkerVersioningRules GetWorkerTaskReachability
     DescribeDeployment DescribeWorkerDeploymentVersion ListDeployments GetDeploymentReachability GetCurrentDeployment
     DescribeWorkerDeployment ListWorkerDeployments ValidateWorkerDeploymentVersionComputeConfig
     PollWorkflowExecutionUpdate DescribeBatchOperation ListBatchOperations
     DescribeWorkflowRule ListWorkflowRules ListWorkers CountWorkers DescribeWorker FetchWorkerConfig
     DescribeActivityExecution DescribeNexusOperationExecution PollActivityExecution PollNexusOperationExecution
     ListActivityExecutions ListNexusOperationExecutions CountActivityExecutions CountNexusOperationExecutions
     PollWorkflowExecutionTimeSkipping`,
  ),
  // What a worker process calls: take tasks, answer them, heartbeat, say it is going away.
  ...entries(
    WS,
    ns('worker'),
    `PollWorkflowTaskQueue RespondWorkflowTaskCompleted RespondWorkflowTaskFailed
     PollActivityTaskQueue RecordActivityTaskHeartbeat RecordActivityTaskHeartbeatById
     RespondActivityTaskCompleted RespondActivityTaskCompletedById RespondActivityTaskFailed RespondActivityTaskFailedById
     RespondActivityTaskCanceled RespondActivityTaskCanceledById RespondQueryTaskCompleted ResetStickyTaskQueue
     ShutdownWorker PollNexusTaskQueue RespondNexusTaskCompleted RespondNexusTaskFailed RecordWorkerHeartbeat`,
  ),
  ...entries(
    WS,
    ns('write'),
    `StartWorkflowExecution ExecuteMultiOperation RequestCancelWorkflowExecution SignalWorkflowExecution
     SignalWithStartWorkflowExecution ResetWorkflowExecution TerminateWorkflowExecution DeleteWorkflowExecution
     CreateSchedule UpdateSchedule PatchSchedule DeleteSchedule
     UpdateWorkerBuildIdCompatibility UpdateWorkerVersioningRules SetCurrentDeployment
     SetWorkerDeploymentCurrentVersion SetWorkerDeploymentRampingVersion SetWorkerDeploymentManager
     CreateWorkerDeployment DeleteWorkerDeployment CreateWorkerDeploymentVersion DeleteWorkerDeploymentVersion
     UpdateWorkerDeploymentVersionComputeConfig UpdateWorkerDeploymentVersionMetadata
     UpdateWorkflowExecution StartBatchOperation StopBatchOperation
     UpdateActivityOptions UpdateWorkflowExecutionOptions PauseActivity UnpauseActivity ResetActivity
     CreateWorkflowRule DeleteWorkflowRule TriggerWorkflowRule UpdateTaskQueueConfig UpdateWorkerConfig
     PauseWorkflowExecution UnpauseWorkflowExecution
     StartActivityExecution StartNexusOperationExecution RequestCancelActivityExecution RequestCancelNexusOperationExecution
     TerminateActivityExecution DeleteActivityExecution PauseActivityExecution ResetActivityExecution
     UnpauseActivityExecution UpdateActivityExecutionOptions TerminateNexusOperationExecution DeleteNexusOperationExecution`,
  ),
  // As Temporal: registering a namespace is the admin role *in that namespace* (a system:admin
  // holds it everywhere).
  ...entries(WS, ns('admin'), 'RegisterNamespace UpdateNamespace DeprecateNamespace'),

  ...entries(OS, ns('read'), 'ListSearchAttributes'),
  ...entries(OS, ns('admin'), 'AddSearchAttributes RemoveSearchAttributes DeleteNamespace'),
  ...entries(
    OS,
    system('admin'),
    `AddOrUpdateRemoteCluster RemoveRemoteCluster ListClusters
     GetNexusEndpoint CreateNexusEndpoint UpdateNexusEndpoint DeleteNexusEndpoint ListNexusEndpoints`,
  ),

  ...entries(AK, system('admin'), 'CreateApiKey ListApiKeys RevokeApiKey'),
]);

/** The method's access; throws for one the table does not name (a server must not serve it unclassified). */
export function methodAccess(path: string): MethodAccess {
  const access = METHOD_ACCESS.get(path);
  if (access === undefined) throw new Error(`${path} has no access class in auth/permissions.ts`);
  return access;
}

/**
 * A permission claim as a namespace (or `system`) and a role; null when it is not one.
 * Roles are matched without case, as Temporal's claim mapper does; namespaces exactly.
 */
export function parsePermission(claim: string): { target: string; role: Role } | null {
  const colon = claim.indexOf(':');
  if (colon <= 0) return null;
  const role = claim.slice(colon + 1).toLowerCase();
  if (!(ROLES as readonly string[]).includes(role)) return null;
  return { target: claim.slice(0, colon), role: role as Role };
}

/** The principal of a credential granting `claims`; claims that are not permissions grant nothing. */
export function principalOf(subject: string, claims: readonly string[]): Principal {
  let systemRank = 0;
  const namespaceRanks = new Map<string, number>();
  for (const claim of claims) {
    const permission = parsePermission(claim);
    if (!permission) continue;
    const rank = RANK[permission.role];
    if (permission.target === 'system') systemRank = Math.max(systemRank, rank);
    else namespaceRanks.set(permission.target, Math.max(namespaceRanks.get(permission.target) ?? 0, rank));
  }
  return { subject, systemRank, namespaceRanks };
}

/**
 * Throws PERMISSION_DENIED naming the permission `method` needs when `principal` lacks it.
 * `namespace` is the request's (empty when it names none: then only a system role will do).
 */
export function checkAccess(principal: Principal, method: string, access: { scope: 'namespace' | 'system'; role: Role }, namespace: string): void {
  const needed = RANK[access.role];
  if (access.scope === 'system') {
    if (principal.systemRank >= needed) return;
    throw new ServiceError(Status.PERMISSION_DENIED, `${method} needs permission system:${access.role}`);
  }
  const held = Math.max(principal.systemRank, namespace === '' ? 0 : (principal.namespaceRanks.get(namespace) ?? 0));
  if (held >= needed) return;
  const message =
    namespace === ''
      ? `${method} names no namespace, so it needs permission system:${access.role}`
      : `${method} on namespace "${namespace}" needs permission ${namespace}:${access.role}`;
  throw new ServiceError(Status.PERMISSION_DENIED, message);
}

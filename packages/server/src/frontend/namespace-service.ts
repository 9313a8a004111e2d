/**
 * Namespace management: WorkflowService's RegisterNamespace, DescribeNamespace,
 * UpdateNamespace, ListNamespaces and DeprecateNamespace, and OperatorService's
 * DeleteNamespace and search attribute RPCs. Changes go through the registry (store first).
 */
import Long from 'long';
import { alreadyExists, invalidArgument, namespaceNotFound, notFound, ServiceError } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import { enums, proto, temporal } from '../common/proto.js';
import type { SearchAttributeType } from '../common/search-attribute-types.js';
import { msToDuration } from '../common/time.js';
import type { ResolvedConfig } from '../config.js';
import type { NamespaceRecord } from '../persistence/store.js';
import { NamespaceState, type NamespaceRegistry } from '../namespaces/namespace-registry.js';
import type { NamespaceDeleter } from '../namespaces/namespace-deleter.js';
import {
  SEARCH_ATTRIBUTE_TYPES,
  SYSTEM_SEARCH_ATTRIBUTES,
  SearchAttributeError,
  withCustomAttributes,
  withoutCustomAttributes,
} from '../namespaces/search-attributes.js';
import type { UnaryHandler } from './grpc-server.js';
import { checkedDurationMs, requireId } from './validation.js';

import ws = proto.temporal.api.workflowservice.v1;
import os = proto.temporal.api.operatorservice.v1;

const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const NAMESPACE_NAME_LENGTH_MAX = 255;
const NAMESPACE_PAGE_SIZE_MAX = 1000;

export interface NamespaceDeps {
  config: ResolvedConfig;
  namespaces: NamespaceRegistry;
  deleter: NamespaceDeleter;
  nowMs(): number;
}

export function namespaceHandlers(deps: NamespaceDeps): Record<string, UnaryHandler> {
  const { config, namespaces } = deps;
  const existing = (name: string | null | undefined, id?: string | null): NamespaceRecord => {
    const ns = id ? namespaces.byId(id) : namespaces.byName(requireId(name, 'namespace', NAMESPACE_NAME_LENGTH_MAX));
    if (!ns || ns.state === NamespaceState.DELETED) throw namespaceNotFound(name || id || '');
    return ns;
  };
  const retention = (d: proto.google.protobuf.IDuration | null | undefined, field: string): number | undefined => {
    if (!d) return undefined;
    const ms = checkedDurationMs(d, field);
    if (ms < config.namespaceRetentionMinMs) {
      throw invalidArgument(`${field} must be at least ${formatMs(config.namespaceRetentionMinMs)}, got ${formatMs(ms)}`);
    }
    return ms;
  };

  const handlers: Record<string, (req: never) => Promise<object>> = {
    RegisterNamespace: async (req: ws.IRegisterNamespaceRequest) => {
      const name = requireId(req.namespace, 'namespace', NAMESPACE_NAME_LENGTH_MAX);
      if (!NAMESPACE_NAME.test(name)) {
        throw invalidArgument(`namespace ${JSON.stringify(name)} is not a valid name: letters, digits, '.', '_' and '-', starting with a letter or digit`);
      }
      if (namespaces.byName(name)) throw namespaceAlreadyExists(name);
      await namespaces.register(
        {
          name,
          retentionMs: retention(req.workflowExecutionRetentionPeriod, 'workflow_execution_retention_period') ?? config.namespaceRetentionDefaultMs,
          description: req.description ?? '',
          ownerEmail: req.ownerEmail ?? '',
          data: { ...req.data },
        },
        deps.nowMs(),
      );
      return {};
    },

    DescribeNamespace: (req: ws.IDescribeNamespaceRequest) => Promise.resolve(describeNamespace(existing(req.namespace, req.id), config)),

    UpdateNamespace: async (req: ws.IUpdateNamespaceRequest) => {
      const ns = existing(req.namespace);
      const info = req.updateInfo;
      const state = info?.state ? namespaceState(info.state) : ns.state;
      const updated = await namespaces.update({
        ...ns,
        description: info?.description ?? ns.description,
        ownerEmail: info?.ownerEmail ?? ns.ownerEmail,
        data: { ...ns.data, ...info?.data },
        state,
        retentionMs: retention(req.config?.workflowExecutionRetentionTtl, 'config.workflow_execution_retention_ttl') ?? ns.retentionMs,
      });
      return describeNamespace(updated, config);
    },

    ListNamespaces: (req: ws.IListNamespacesRequest) => {
      // Zero or negative is "the default", as in Temporal (a negative size once emptied the page and broke the token).
      const pageSize = Math.min(req.pageSize && req.pageSize > 0 ? req.pageSize : 100, NAMESPACE_PAGE_SIZE_MAX);
      const after = req.nextPageToken?.length ? Buffer.from(req.nextPageToken).toString('utf8') : null;
      const all = namespaces.list(req.namespaceFilter?.includeDeleted ?? false).filter((ns) => after === null || ns.name > after);
      const page = all.slice(0, pageSize);
      const nextPageToken = all.length > pageSize ? Buffer.from(page[page.length - 1]!.name) : new Uint8Array();
      return Promise.resolve({ namespaces: page.map((ns) => describeNamespace(ns, config)), nextPageToken });
    },

    DeprecateNamespace: async (req: ws.IDeprecateNamespaceRequest) => {
      const ns = existing(req.namespace);
      await namespaces.update({ ...ns, state: NamespaceState.DEPRECATED });
      return {};
    },

    DeleteNamespace: async (req: os.IDeleteNamespaceRequest) => {
      const ns = existing(req.namespace || null, req.namespaceId);
      // Renamed as Temporal does, so the name can be registered again at once.
      const deletedName = `${ns.name}-deleted-${ns.id.slice(0, 5)}`;
      await namespaces.update({ ...ns, name: deletedName, state: NamespaceState.DELETED });
      deps.deleter.schedule(ns.id);
      return { deletedNamespace: deletedName };
    },

    AddSearchAttributes: async (req: os.IAddSearchAttributesRequest) => {
      const ns = existing(req.namespace || 'default');
      const added = new Map<string, SearchAttributeType>();
      for (const [name, code] of Object.entries(req.searchAttributes ?? {})) {
        if (!name) throw invalidArgument('search_attributes: a name is empty');
        added.set(name, indexedValueTypeName(code, name));
      }
      if (added.size === 0) throw invalidArgument('search_attributes is not set');
      await namespaces.update({ ...ns, customSearchAttributes: mapSearchAttributeError(() => withCustomAttributes(ns, added)) });
      return {};
    },

    RemoveSearchAttributes: async (req: os.IRemoveSearchAttributesRequest) => {
      const ns = existing(req.namespace || 'default');
      const removed = req.searchAttributes ?? [];
      if (removed.length === 0) throw invalidArgument('search_attributes is not set');
      await namespaces.update({ ...ns, customSearchAttributes: mapSearchAttributeError(() => withoutCustomAttributes(ns, removed)) });
      return {};
    },

    ListSearchAttributes: (req: os.IListSearchAttributesRequest) => {
      const ns = existing(req.namespace || 'default');
      return Promise.resolve(listSearchAttributes(ns));
    },

    // WorkflowService's: it names no namespace, so it answers for `default`.
    GetSearchAttributes: () => {
      const { customAttributes, systemAttributes } = listSearchAttributes(existing('default'));
      return Promise.resolve({ keys: { ...systemAttributes, ...customAttributes } });
    },
  };
  return handlers as unknown as Record<string, UnaryHandler>;
}

/**
 * With `config`, the namespace's payload and memo size limits too: Temporal's SDK core reads
 * them and fails a workflow task whose completion carries more (PayloadsTooLarge) before it
 * reaches the server.
 */
export function describeNamespace(ns: NamespaceRecord, config?: ResolvedConfig): ws.IDescribeNamespaceResponse {
  const limits = config
    ? { blobSizeLimitError: Long.fromNumber(config.payloadSizeMaxBytes), memoSizeLimitError: Long.fromNumber(config.limits.memoSizeMaxBytes) }
    : null;
  return {
    namespaceInfo: {
      limits,
      name: ns.name,
      state: ns.state,
      id: ns.id,
      description: ns.description,
      ownerEmail: ns.ownerEmail,
      data: ns.data,
      capabilities: { eagerWorkflowStart: true, syncUpdate: true, asyncUpdate: true },
    },
    config: {
      workflowExecutionRetentionTtl: msToDuration(ns.retentionMs),
      historyArchivalState: enums.ArchivalState.ARCHIVAL_STATE_DISABLED,
      visibilityArchivalState: enums.ArchivalState.ARCHIVAL_STATE_DISABLED,
    },
    replicationConfig: { activeClusterName: 'active', clusters: [{ clusterName: 'active' }] },
    isGlobalNamespace: false,
  };
}

function listSearchAttributes(ns: NamespaceRecord): os.IListSearchAttributesResponse {
  const code = (type: string) => SEARCH_ATTRIBUTE_TYPES.indexOf(type as SearchAttributeType) + 1;
  const customAttributes: Record<string, number> = {};
  const storageSchema: Record<string, string> = {};
  for (const [name, attr] of Object.entries(ns.customSearchAttributes)) {
    customAttributes[name] = code(attr.type);
    storageSchema[name] = attr.column;
  }
  const systemAttributes: Record<string, number> = {};
  for (const [name, attr] of SYSTEM_SEARCH_ATTRIBUTES) systemAttributes[name] = code(attr.type);
  return { customAttributes, systemAttributes, storageSchema };
}

/** temporal.api.enums.v1.IndexedValueType → our type name (the enum is 1-based in SEARCH_ATTRIBUTE_TYPES' order). */
function indexedValueTypeName(code: number | null | undefined, name: string): SearchAttributeType {
  const type = SEARCH_ATTRIBUTE_TYPES[(code ?? 0) - 1];
  if (!type) throw invalidArgument(`search_attributes[${name}]: ${code} is not a valid IndexedValueType`);
  return type;
}

function namespaceState(code: number): NamespaceRecord['state'] {
  if (code === NamespaceState.REGISTERED || code === NamespaceState.DEPRECATED) return code;
  throw invalidArgument(`update_info.state: ${code} is not a state a namespace can be updated to (use DeleteNamespace)`);
}

function mapSearchAttributeError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof SearchAttributeError)) throw err;
    if (err.kind === 'exists') throw alreadyExists(err.message);
    if (err.kind === 'not-found') throw notFound(err.message);
    throw invalidArgument(err.message);
  }
}

function namespaceAlreadyExists(name: string): ServiceError {
  const details = temporal.api.errordetails.v1.NamespaceAlreadyExistsFailure.encode({}).finish();
  return new ServiceError(Status.ALREADY_EXISTS, `Namespace ${name} already exists.`, {
    typeUrl: 'type.googleapis.com/temporal.api.errordetails.v1.NamespaceAlreadyExistsFailure',
    value: details,
  });
}

function formatMs(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 1 ? `${hours}h` : `${ms / 1000}s`;
}

/**
 * `endure.operator.v1.ApiKeyService` (messages in @endure/client/api-key-service): create,
 * list and revoke API keys. Its methods join the gRPC method table, so the authorization
 * wrapper guards them like any other (they need `system:admin`). On a server without auth they
 * answer FAILED_PRECONDITION: a key made while anyone may call would be a key anyone made.
 */
import { apiKeyProtoRoot, API_KEY_OBJECT_OPTIONS, API_KEY_SERVICE_NAME, type ApiKeyInfo } from '@endure/client/api-key-service';
import { ServiceError, invalidArgument, notFound } from '../common/errors.js';
import { Status } from '../common/grpc-status.js';
import type { UnaryMethod } from '../frontend/grpc-transport.js';
import type { ApiKeyRecord, Store } from '../persistence/store.js';
import { generateApiKey, hashSecret, type ApiKeyAuthenticator } from './api-keys.js';
import { parsePermission } from './permissions.js';

/** Keys a server holds at most, revoked ones included: a bound on the table and on a listing. */
export const API_KEYS_MAX = 1_000;
const NAME_LENGTH_MAX = 200;
const PERMISSIONS_MAX = 100;
const PERMISSION_LENGTH_MAX = 300;

interface Handlers {
  CreateApiKey: (request: { name: string; permissions: string[]; expiresInMs: number }) => Promise<object>;
  ListApiKeys: (request: object) => Promise<object>;
  RevokeApiKey: (request: { id: string }) => Promise<object>;
}

export interface ApiKeyServiceDeps {
  store: Store;
  nowMs: () => number;
  /** null when the server runs without auth. */
  apiKeys: ApiKeyAuthenticator | null;
}

/** The service's entries of the gRPC method table, by path. */
export function apiKeyServiceMethods(deps: ApiKeyServiceDeps): Map<string, UnaryMethod> {
  const handlers = deps.apiKeys ? apiKeyHandlers(deps, deps.apiKeys) : authOffHandlers();
  const service = apiKeyProtoRoot.lookupService(API_KEY_SERVICE_NAME);
  const table = new Map<string, UnaryMethod>();
  for (const method of Object.values(service.methods)) {
    const requestType = apiKeyProtoRoot.lookupType(`endure.operator.v1.${method.requestType}`);
    const responseType = apiKeyProtoRoot.lookupType(`endure.operator.v1.${method.responseType}`);
    const handler = handlers[method.name as keyof Handlers] as (request: unknown) => Promise<object>;
    table.set(`/${API_KEY_SERVICE_NAME}/${method.name}`, {
      decode: (bytes) => requestType.toObject(requestType.decode(bytes), API_KEY_OBJECT_OPTIONS),
      encode: (response) => responseType.encode(responseType.fromObject(response)).finish(),
      handle: (request) => handler(request),
    });
  }
  return table;
}

function authOffHandlers(): Handlers {
  const off = () =>
    Promise.reject(
      new ServiceError(Status.FAILED_PRECONDITION, 'authentication is off on this server: API keys work only on a server started with auth settings'),
    );
  return { CreateApiKey: off, ListApiKeys: off, RevokeApiKey: off };
}

function apiKeyHandlers({ store, nowMs }: ApiKeyServiceDeps, apiKeys: ApiKeyAuthenticator): Handlers {
  return {
    async CreateApiKey(request) {
      const name = checkName(request.name);
      const permissions = checkPermissions(request.permissions);
      const expiresInMs = request.expiresInMs;
      if (!Number.isSafeInteger(expiresInMs) || expiresInMs < 0) {
        throw invalidArgument(`expiresInMs must be 0 (never) or a positive number of milliseconds, not ${String(expiresInMs)}`);
      }
      if ((await store.listApiKeys()).length >= API_KEYS_MAX) {
        throw new ServiceError(Status.RESOURCE_EXHAUSTED, `this server holds ${API_KEYS_MAX} API keys, the most it keeps`);
      }
      const { id, secret, key } = generateApiKey();
      const createdMs = nowMs();
      const record: ApiKeyRecord = {
        id,
        name,
        secretHash: hashSecret(secret),
        permissions,
        createdMs,
        expiresMs: expiresInMs === 0 ? null : createdMs + expiresInMs,
        revoked: false,
      };
      await store.createApiKey(record);
      return { apiKey: toInfo(record), key };
    },
    async ListApiKeys() {
      return { apiKeys: (await store.listApiKeys()).map(toInfo) };
    },
    async RevokeApiKey(request) {
      const id = request.id;
      if (id === '') throw invalidArgument('id is required: the id of the key to revoke (see "endure operator api-key list")');
      if (!(await store.revokeApiKey(id))) throw notFound(`api key ${id} not found`);
      apiKeys.forget(id);
      const record = await store.getApiKey(id);
      if (!record) throw notFound(`api key ${id} not found`);
      return { apiKey: toInfo(record) };
    },
  };
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw invalidArgument('name is required: say what the key is for, e.g. "ci deploys"');
  if (trimmed.length > NAME_LENGTH_MAX) throw invalidArgument(`name is longer than ${NAME_LENGTH_MAX} characters`);
  return trimmed;
}

function checkPermissions(permissions: string[]): string[] {
  if (permissions.length === 0) throw invalidArgument('permissions: at least one is required, e.g. default:write');
  if (permissions.length > PERMISSIONS_MAX) throw invalidArgument(`permissions: at most ${PERMISSIONS_MAX}`);
  return permissions.map((permission, i) => {
    const parsed = permission.length <= PERMISSION_LENGTH_MAX ? parsePermission(permission) : null;
    if (!parsed || /\s/.test(parsed.target)) {
      throw invalidArgument(
        `permissions[${i}] ${JSON.stringify(permission)} is not a permission: expected <namespace>:read|worker|write|admin or system:<role>`,
      );
    }
    return `${parsed.target}:${parsed.role}`;
  });
}

function toInfo(record: ApiKeyRecord): ApiKeyInfo {
  return {
    id: record.id,
    name: record.name,
    permissions: record.permissions,
    createTimeMs: record.createdMs,
    expireTimeMs: record.expiresMs ?? 0,
    revoked: record.revoked,
  };
}

/**
 * `endure.operator.v1.ApiKeyService`: Endure's own gRPC service for API keys (what
 * `endure operator api-key` calls), served on the same port as Temporal's services. Temporal
 * has no such service, so its messages are defined here with protobufjs reflection; the server
 * builds its method table from the same definitions (`apiKeyProtoRoot`).
 *
 * Times are milliseconds since the Unix epoch (int64); 0 means none.
 */
import protobuf from 'protobufjs';
import type { RpcImpl } from './service-rpc.js';

export const API_KEY_SERVICE_NAME = 'endure.operator.v1.ApiKeyService';

const apiKeyFields = {
  id: { type: 'string', id: 1 },
  name: { type: 'string', id: 2 },
  permissions: { rule: 'repeated', type: 'string', id: 3 },
  createTimeMs: { type: 'int64', id: 4 },
  expireTimeMs: { type: 'int64', id: 5 },
  revoked: { type: 'bool', id: 6 },
};

/** The reflection root holding the service and its messages. */
export const apiKeyProtoRoot = protobuf.Root.fromJSON({
  nested: {
    endure: {
      nested: {
        operator: {
          nested: {
            v1: {
              nested: {
                ApiKey: { fields: apiKeyFields },
                CreateApiKeyRequest: {
                  fields: {
                    name: { type: 'string', id: 1 },
                    permissions: { rule: 'repeated', type: 'string', id: 2 },
                    expiresInMs: { type: 'int64', id: 3 },
                  },
                },
                CreateApiKeyResponse: { fields: { apiKey: { type: 'ApiKey', id: 1 }, key: { type: 'string', id: 2 } } },
                ListApiKeysRequest: { fields: {} },
                ListApiKeysResponse: { fields: { apiKeys: { rule: 'repeated', type: 'ApiKey', id: 1 } } },
                RevokeApiKeyRequest: { fields: { id: { type: 'string', id: 1 } } },
                RevokeApiKeyResponse: { fields: { apiKey: { type: 'ApiKey', id: 1 } } },
                ApiKeyService: {
                  methods: {
                    CreateApiKey: { requestType: 'CreateApiKeyRequest', responseType: 'CreateApiKeyResponse' },
                    ListApiKeys: { requestType: 'ListApiKeysRequest', responseType: 'ListApiKeysResponse' },
                    RevokeApiKey: { requestType: 'RevokeApiKeyRequest', responseType: 'RevokeApiKeyResponse' },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
});

/** An API key as the server describes it: never its secret. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  /** Temporal permission claims: `<namespace>:read|write|worker|admin`, `system:admin`, … */
  permissions: string[];
  createTimeMs: number;
  /** 0: never expires. */
  expireTimeMs: number;
  revoked: boolean;
}

export interface CreateApiKeyRequest {
  name: string;
  permissions: string[];
  /** How long the key is valid from its creation; 0 or absent: it never expires. */
  expiresInMs?: number;
}

export interface CreateApiKeyResponse {
  apiKey: ApiKeyInfo;
  /** The whole key, `endure_<id>_<secret>`: shown this once, the server keeps only a hash of the secret. */
  key: string;
}

/**
 * The calls of `endure.operator.v1.ApiKeyService`; each needs the `system:admin` permission.
 *
 * @example
 * ```ts
 * const { key } = await connection.apiKeyService.createApiKey({ name: 'ci', permissions: ['default:write'] });
 * ```
 */
export interface ApiKeyService {
  createApiKey(request: CreateApiKeyRequest): Promise<CreateApiKeyResponse>;
  listApiKeys(request?: Record<string, never>): Promise<{ apiKeys: ApiKeyInfo[] }>;
  revokeApiKey(request: { id: string }): Promise<{ apiKey: ApiKeyInfo }>;
}

/** protobufjs's conversion to plain objects with int64 as numbers and every field present. */
export const API_KEY_OBJECT_OPTIONS: protobuf.IConversionOptions = { longs: Number, defaults: true, arrays: true };

/** The service's client over `rpcImpl` (the connection's transport). */
export function createApiKeyService(rpcImpl: RpcImpl): ApiKeyService {
  const service = apiKeyProtoRoot.lookupService(API_KEY_SERVICE_NAME);
  const call = async <T>(methodName: string, request: object): Promise<T> => {
    const method = service.methods[methodName]!;
    const requestType = apiKeyProtoRoot.lookupType(`endure.operator.v1.${method.requestType}`);
    const responseType = apiKeyProtoRoot.lookupType(`endure.operator.v1.${method.responseType}`);
    const bytes = requestType.encode(requestType.fromObject(request)).finish();
    const response = await new Promise<Uint8Array>((resolve, reject) => {
      const rpc = rpcImpl as unknown as (
        method: { name: string },
        data: Uint8Array,
        callback: (err: Error | null, response?: Uint8Array | null) => void,
      ) => void;
      rpc(method, bytes, (err, data) => (err ? reject(err) : resolve(data ?? new Uint8Array())));
    });
    return responseType.toObject(responseType.decode(response), API_KEY_OBJECT_OPTIONS) as T;
  };
  return {
    createApiKey: (request) => call('CreateApiKey', request),
    listApiKeys: (request = {}) => call('ListApiKeys', request),
    revokeApiKey: (request) => call('RevokeApiKey', request),
  };
}

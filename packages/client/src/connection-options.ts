/**
 * Connection options, their defaults and their translation to grpc-js channel settings
 * (credentials from `tls`/`apiKey`, normalized address, keepalive and message-size limits).
 */
import * as grpc from '@grpc/grpc-js';
import { msToNumber, type Duration } from '@endure/common';
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from './grpc-retry.js';
import type { Http2ChannelOptions } from './http2-channel.js';
import type { Metadata } from './types.js';

/** The server address used when none is given. */
export const LOCAL_TARGET = 'localhost:7233';

const defaultTemporalGrpcPort = 7233;
const defaultConnectTimeoutMs = 10_000;
const keepaliveTimeMs = 30_000;
const keepaliveTimeoutMs = 15_000;
/** Histories and poll responses can be large; grpc-js's own 4 MiB default is far too small. */
const maxReceiveMessageBytes = 128 * 1024 * 1024;

/** TLS configuration for the connection. */
export interface TLSConfig {
  /** Overrides the target name used for SSL host name checking. */
  serverNameOverride?: string;
  /** Root CA certificate used to validate the server's certificate; system roots when unset. */
  serverRootCACertificate?: Uint8Array;
  /** Client certificate and key for mTLS. */
  clientCertPair?: { crt: Uint8Array; key: Uint8Array };
}

/** gRPC and server connection options, as in `@temporalio/client`. */
export interface ConnectionOptions {
  /** Server address as `host:port` (port defaults to 7233). @default localhost:7233 */
  address?: string;
  /** `true`/`{}` for TLS, a {@link TLSConfig} to customize it, falsy for plaintext. Defaults to TLS when `apiKey` is set. */
  tls?: TLSConfig | boolean | null;
  /**
   * Prebuilt channel credentials (instead of `tls`). Like `callCredentials`, `channelArgs` and
   * `interceptors`, this is a grpc-js option: a connection given any of them uses grpc-js
   * instead of the built-in HTTP/2 transport.
   */
  credentials?: grpc.ChannelCredentials;
  /** Call credentials composed with the channel credentials. */
  callCredentials?: grpc.CallCredentials[];
  /** grpc-js channel arguments, merged over the keepalive and message-size defaults. */
  channelArgs?: grpc.ChannelOptions;
  /** grpc-js interceptors for every call. @default [makeGrpcRetryInterceptor(defaultGrpcRetryOptions())] */
  interceptors?: grpc.Interceptor[];
  /** Metadata sent with every call; see {@link Connection.withMetadata} for per-call metadata. */
  metadata?: Metadata;
  /** API key sent as `Authorization: Bearer <key>`, statically or from a callback. */
  apiKey?: string | (() => string);
  /** How long {@link Connection.connect} / `ensureConnected()` wait for the server. @default 10 seconds */
  connectTimeout?: Duration;
}

/** Options after defaults are applied. */
export type ConnectionOptionsWithDefaults = Required<
  Omit<ConnectionOptions, 'tls' | 'connectTimeout' | 'callCredentials' | 'apiKey'>
> & { connectTimeoutMs: number };

/** Everything a `Connection` is built from. */
export interface CompiledConnectionOptions {
  options: ConnectionOptionsWithDefaults;
  apiKey: (() => string) | undefined;
  /**
   * Settings for the built-in HTTP/2 transport, or undefined when grpc-js-specific options
   * (`credentials`, `callCredentials`, `channelArgs`, `interceptors`) ask for grpc-js.
   */
  http2: Omit<Http2ChannelOptions, 'userAgent'> | undefined;
}

/** Validates `options`, applies defaults and builds the channel credentials. */
export function compileConnectionOptions(options: ConnectionOptions = {}): CompiledConnectionOptions {
  const { tls, credentials, callCredentials, apiKey, connectTimeout, channelArgs, interceptors, metadata } = options;
  if (apiKey !== undefined && apiKey !== '') {
    if (metadata?.['Authorization'] !== undefined) {
      throw new TypeError('Both `apiKey` option and `Authorization` header were provided, but only one makes sense to use at a time.');
    }
    if (credentials !== undefined) {
      throw new TypeError('Both `apiKey` and `credentials` ConnectionOptions were provided, but only one makes sense to use at a time');
    }
  }
  const tlsConfig = normalizeTlsConfig(tls, apiKey);
  const address = normalizeAddress(options.address ?? LOCAL_TARGET);
  const usesGrpcJs = credentials !== undefined || callCredentials !== undefined || channelArgs !== undefined || interceptors !== undefined;
  if (tlsConfig !== undefined && credentials !== undefined) {
    throw new TypeError('Both `tls` and `credentials` ConnectionOptions were provided');
  }
  const channelCredentials = grpc.credentials.combineChannelCredentials(
    tlsConfig !== undefined ? sslCredentials(tlsConfig) : (credentials ?? grpc.credentials.createInsecure()),
    ...(callCredentials ?? []),
  );
  return {
    options: {
      address,
      credentials: channelCredentials,
      channelArgs: {
        'grpc.keepalive_permit_without_calls': 1,
        'grpc.keepalive_time_ms': keepaliveTimeMs,
        'grpc.keepalive_timeout_ms': keepaliveTimeoutMs,
        'grpc.max_receive_message_length': maxReceiveMessageBytes,
        // Reconnect quickly after a server restart (grpc-js waits 1 s at first by default).
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 5_000,
        ...serverNameOverrideArgs(tlsConfig),
        ...channelArgs,
      },
      interceptors: interceptors ?? [makeGrpcRetryInterceptor(defaultGrpcRetryOptions())],
      metadata: { ...metadata },
      connectTimeoutMs: connectTimeout === undefined ? defaultConnectTimeoutMs : msToNumber(connectTimeout),
    },
    apiKey: typeof apiKey === 'string' ? (apiKey === '' ? undefined : () => apiKey) : apiKey,
    http2: usesGrpcJs
      ? undefined
      : {
          address,
          tls: tlsConfig && {
            ca: tlsConfig.serverRootCACertificate,
            cert: tlsConfig.clientCertPair?.crt,
            key: tlsConfig.clientCertPair?.key,
            serverName: tlsConfig.serverNameOverride,
          },
          maxReceiveMessageBytes,
          retry: defaultGrpcRetryOptions(),
          keepaliveTimeMs,
          keepaliveTimeoutMs,
        },
  };
}

function normalizeTlsConfig(tls: ConnectionOptions['tls'], apiKey: ConnectionOptions['apiKey']): TLSConfig | undefined {
  const effective = tls ?? (apiKey !== undefined ? true : undefined);
  if (typeof effective === 'object') return effective ?? undefined;
  return effective ? {} : undefined;
}

function sslCredentials(tls: TLSConfig): grpc.ChannelCredentials {
  const toBuffer = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : Buffer.from(bytes));
  return grpc.credentials.createSsl(
    toBuffer(tls.serverRootCACertificate),
    toBuffer(tls.clientCertPair?.key),
    toBuffer(tls.clientCertPair?.crt),
  );
}

function serverNameOverrideArgs(tls: TLSConfig | undefined): grpc.ChannelOptions {
  if (tls?.serverNameOverride === undefined) return {};
  return { 'grpc.ssl_target_name_override': tls.serverNameOverride, 'grpc.default_authority': tls.serverNameOverride };
}

/** `host` → `host:7233`; `host:port` and `[v6]:port` unchanged. Schemes are rejected as in the official SDK. */
export function normalizeAddress(address: string): string {
  const match = /^(?<host>\[[0-9a-fA-F.:]+\]|[^:/[\]]+)(?::(?<port>\d+))?$/.exec(address);
  if (match?.groups?.['host'] === undefined) {
    throw new TypeError(
      `Invalid address for Temporal gRPC endpoint: expected URI of the form 'hostname' or 'hostname:port'; got '${address}'`,
    );
  }
  return `${match.groups['host']}:${match.groups['port'] ?? defaultTemporalGrpcPort}`;
}

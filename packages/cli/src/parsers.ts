/**
 * Flag value parsers shared by commands. Each throws commander's InvalidArgumentError,
 * which commander turns into "option '--x' argument 'y' is invalid. <reason>" and a usage
 * exit code.
 */
import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';

const PORT_MAX = 65_535;
const NAMESPACE_LENGTH_MAX = 1000;

/** A TCP port; 0 asks the OS for a free one. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > PORT_MAX) {
    throw new InvalidArgumentError(`Expected an integer from 0 to ${PORT_MAX}.`);
  }
  return port;
}

/** An IPv4 or IPv6 address, or `localhost`. */
export function parseIp(value: string): string {
  if (value !== 'localhost' && isIP(value) === 0) {
    throw new InvalidArgumentError('Expected an IPv4 or IPv6 address, or localhost.');
  }
  return value;
}

/** A PostgreSQL URL naming a database: `postgres://user:password@host:5432/database`. */
export function parsePostgresUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('Expected a URL such as postgres://user:password@host:5432/database.');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new InvalidArgumentError('Expected a postgres:// or postgresql:// URL.');
  }
  if (url.pathname.length <= 1) throw new InvalidArgumentError('Expected the URL to name a database (postgres://host:5432/database).');
  return value;
}

/**
 * `--node-id`: what `EndureServer.start` accepts as `nodeId` (checked here too so that a bad
 * value is a usage error before anything starts).
 */
export function parseNodeId(value: string): string {
  if (!/^[A-Za-z0-9._:@-]{1,255}$/.test(value)) {
    throw new InvalidArgumentError('Expected 1 to 255 letters, digits and . _ - : @ (e.g. endure-1).');
  }
  return value;
}

/** `--advertise-address`: host:port with a DNS name, an IPv4 address or a bracketed IPv6 one, and a port from 1. */
export function parseAdvertiseAddress(value: string): string {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2] ?? '';
  const label = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
  const hostOk =
    match?.[1] !== undefined
      ? isIP(host) === 6
      : isIP(host) === 4 || (host.length <= 253 && host.split('.').every((part) => label.test(part)));
  if (!match || !hostOk || port < 1 || port > PORT_MAX) {
    throw new InvalidArgumentError('Expected host:port that other nodes and clients can reach, e.g. endure-1.internal:7233 or [fd00::5]:7233.');
  }
  return value;
}

/** Collects a repeatable `--namespace` flag into a list without duplicates. */
export function collectNamespace(value: string, previous: string[] | undefined): string[] {
  if (value.trim().length === 0 || value.length > NAMESPACE_LENGTH_MAX) {
    throw new InvalidArgumentError(`Expected a name of 1 to ${NAMESPACE_LENGTH_MAX} characters.`);
  }
  const names = previous ?? [];
  return names.includes(value) ? names : [...names, value];
}

const SEARCH_ATTRIBUTE_TYPES = ['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'] as const;
export type SearchAttributeTypeName = (typeof SEARCH_ATTRIBUTE_TYPES)[number];

/** Collects a repeatable `--search-attribute <name>=<type>` (type case-insensitive, as `temporal` takes it). */
export function collectSearchAttribute(
  value: string,
  previous: Record<string, SearchAttributeTypeName> | undefined,
): Record<string, SearchAttributeTypeName> {
  const at = value.indexOf('=');
  const name = value.slice(0, at).trim();
  const typeText = value.slice(at + 1).trim().toLowerCase();
  const type = SEARCH_ATTRIBUTE_TYPES.find((t) => t.toLowerCase() === typeText);
  if (at <= 0 || !name || !type) {
    throw new InvalidArgumentError(`Expected <name>=<type> with a type among ${SEARCH_ATTRIBUTE_TYPES.join(', ')}.`);
  }
  return { ...previous, [name]: type };
}

/**
 * `--dynamic-config-value name=value`, as `temporal server start-dev` takes it: the value is
 * JSON (`5000`, `"text"`); the server checks the name and the value.
 */
export function collectDynamicConfigValue(value: string, previous: Record<string, unknown> | undefined): Record<string, unknown> {
  const at = value.indexOf('=');
  const name = value.slice(0, at).trim();
  if (at <= 0 || !name) throw new InvalidArgumentError('Expected <name>=<JSON value>, e.g. frontend.namespaceRPS=5000.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.slice(at + 1));
  } catch {
    throw new InvalidArgumentError(`The value of ${name} is not JSON (strings need quotes): ${value.slice(at + 1)}`);
  }
  return { ...previous, [name]: parsed };
}

const DURATION_UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration as `temporal` takes it: Go's syntax with a unit on every part, e.g. `30s`,
 * `1h30m`, `250ms` (`d` for days is also accepted). A bare number is refused, as in
 * `temporal`, because its unit would be a guess.
 */
export function parseDurationMs(value: string): number {
  const text = value.trim();
  const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  for (let m = part.exec(text); m !== null; m = part.exec(text)) {
    total += Number(m[1]) * DURATION_UNIT_MS[m[2]!]!;
    matched = part.lastIndex;
  }
  if (text === '' || matched !== text.length) {
    throw new InvalidArgumentError('Expected a duration with units, e.g. 30s, 5m, 1h30m or 250ms.');
  }
  return total;
}

/** A positive integer (`--limit`, `--event-id`, …). */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || !Number.isSafeInteger(n)) throw new InvalidArgumentError('Expected a positive integer.');
  return n;
}

/** A timestamp in RFC 3339 (`2024-05-01T10:00:00Z`) or any form `Date` parses without doubt. */
export function parseTimestamp(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('Expected an RFC 3339 time such as 2024-05-01T10:00:00Z.');
  }
  return date;
}

/** Collects a repeatable flag's values in the order given (commander's argParser for `--x a --x b`). */
export function collectRepeated(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * A repeatable flag whose values come from `choices`, matched without regard to case and
 * kept in the choice's own spelling (`--type keyword` → `Keyword`).
 */
export function collectChoice<T extends string>(choices: readonly T[]): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => {
    const match = choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
    if (match === undefined) throw new InvalidArgumentError(`Expected one of ${choices.join(', ')}.`);
    return [...(previous ?? []), match];
  };
}

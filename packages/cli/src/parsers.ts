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

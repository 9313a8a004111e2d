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

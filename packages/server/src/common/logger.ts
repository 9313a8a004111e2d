/**
 * Structured logging (pino), written synchronously to standard error so that
 * log lines keep their order with whatever the process prints on standard
 * output. Two formats: `json` (one pino object per line, for machines) and
 * `pretty` (one readable line per entry, for people at a terminal).
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogFormat, LogLevel } from '../config.js';

export type { Logger };

export interface LogOutput {
  write(text: string): void;
}

const stderrOutput: LogOutput = { write: (text) => void process.stderr.write(text) };

export function createLogger(level: LogLevel, format: LogFormat = 'json', output?: LogOutput): Logger {
  if (format === 'pretty') {
    const out = output ?? stderrOutput;
    const stream: DestinationStream = { write: (line: string) => out.write(prettyLine(line)) };
    return pino({ level, base: undefined }, stream);
  }
  const destination: DestinationStream = output
    ? { write: (line: string) => output.write(line) }
    : pino.destination({ dest: 2, sync: true });
  return pino({ level, base: { service: 'endure' } }, destination);
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** `2026-12-02T03:50:01.123Z INFO  workflow started workflowId=a runId=b`: pino's JSON line, made readable. */
export function prettyLine(jsonLine: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine.endsWith('\n') ? jsonLine : `${jsonLine}\n`;
  }
  const { time, level, msg, err, ...fields } = entry;
  const when = typeof time === 'number' ? new Date(time).toISOString() : '';
  const levelName = (LEVEL_NAMES[level as number] ?? String(level)).padEnd(5);
  const pairs = Object.entries(fields).map(([key, value]) => `${key}=${formatValue(value)}`);
  const message = typeof msg === 'string' ? msg : JSON.stringify(msg ?? '');
  let line = [when, levelName, message, ...pairs].filter((part) => part !== '').join(' ');
  const stack = (err as { stack?: unknown } | undefined)?.stack;
  if (typeof stack === 'string') line += `\n${stack.replace(/^/gm, '    ')}`;
  return `${line}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

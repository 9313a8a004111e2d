/**
 * The logging surface an activity sees through `Context.log`. The worker decides where
 * the lines go and which activity attributes they carry.
 */

/** Severity of a log line, lowest first. */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Structured attributes attached to a log line. */
export type LogMetadata = Record<string | symbol, unknown>;

/**
 * A structured logger, shaped like the official SDK's so existing loggers plug in.
 *
 * @example
 * ```ts
 * import { log } from '@endure/activity';
 *
 * export async function ship(orderId: string): Promise<void> {
 *   log.info('shipping', { orderId });
 * }
 * ```
 */
export interface Logger {
  log(level: LogLevel, message: string, meta?: LogMetadata): unknown;
  trace(message: string, meta?: LogMetadata): unknown;
  debug(message: string, meta?: LogMetadata): unknown;
  info(message: string, meta?: LogMetadata): unknown;
  warn(message: string, meta?: LogMetadata): unknown;
  error(message: string, meta?: LogMetadata): unknown;
}

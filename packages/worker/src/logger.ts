/** The worker's logger interface (mirrors @temporalio/worker's Logger) and a console default. */
export interface WorkerLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** Writes to stderr at or above `level` (mirrors @temporalio/worker's DefaultLogger). */
export class DefaultLogger implements WorkerLogger {
  constructor(readonly level: LogLevel = 'INFO') {}

  private at(level: LogLevel, message: string, meta?: Record<string, unknown>): void {
    if (LEVELS.indexOf(level) < LEVELS.indexOf(this.level)) return;
    process.stderr.write(`${new Date().toISOString()} [${level}] ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}\n`);
  }

  debug(message: string, meta?: Record<string, unknown>): void {
    this.at('DEBUG', message, meta);
  }
  info(message: string, meta?: Record<string, unknown>): void {
    this.at('INFO', message, meta);
  }
  warn(message: string, meta?: Record<string, unknown>): void {
    this.at('WARN', message, meta);
  }
  error(message: string, meta?: Record<string, unknown>): void {
    this.at('ERROR', message, meta);
  }
}

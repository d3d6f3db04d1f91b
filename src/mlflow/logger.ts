/**
 * What the client tells a logger: debug lines for retries and slow calls. Nothing is logged unless
 * a `logger` is passed to the client.
 */

/** A logger with levels; `console` is one, and so are pino's and winston's loggers. */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/** The least severe level passed on to the logger; `'off'` passes nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

const SEVERITY: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, off: 4 };

/** The client's view of its logger: a line is written only when its level is enabled. */
export class LevelledLogger {
  constructor(
    private readonly logger: Logger | undefined,
    private readonly level: LogLevel,
  ) {}

  /** Writes `message` at `level` if a logger is set and the level enabled. */
  log(level: Exclude<LogLevel, 'off'>, message: string, ...details: unknown[]): void {
    if (this.logger && SEVERITY[level] >= SEVERITY[this.level]) this.logger[level](message, ...details);
  }
}

/** The one place that creates pino: JSON records to stderr, or to a file with --log-file. */
import pino from 'pino';
import type { Logger } from '../core/logger.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  level?: LogLevel;
  /** Append records to this file instead of stderr. */
  file?: string;
}

/** The CLI's root logger; synchronous writes so nothing is lost when the process exits. */
export function rootLogger(options: LoggerOptions = {}): Logger & { flush(): void } {
  const destination = pino.destination({ dest: options.file ?? 2, sync: true, mkdir: true, append: true });
  return pino({ level: options.level ?? 'info', base: { pid: process.pid } }, destination);
}

/** The one place that creates pino: JSON records to stderr, or to a file with --log-file. */
import { openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import { OutputError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { reasonOf } from '../node/atomic.js';
import { makeDirs } from '../node/files.js';

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
  const logger: Logger & { flush(): void } = pino(
    { level: options.level ?? 'info', base: { pid: process.pid } },
    destination,
  );
  return logger;
}

/**
 * The root logger of a command: `rootLogger`, but a `--log-file` is opened (its directory made)
 * first, so an unusable one (a directory, a path under a file, /proc) fails now as one line, and a
 * record that cannot be written (a full disk) throws `OutputError` naming the file instead of
 * crashing the process in pino.
 */
export async function openRootLogger(options: LoggerOptions = {}): Promise<Logger & { flush(): void }> {
  const { file } = options;
  if (file === undefined) return rootLogger(options);
  let fd: number;
  try {
    await makeDirs(path.dirname(path.resolve(file)));
    fd = openSync(file, 'a');
  } catch (err) {
    throw new OutputError(`log file ${file}`, reasonOf(err), { cause: err });
  }
  const destination = {
    write(record: string): void {
      const bytes = Buffer.from(record);
      try {
        for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
      } catch (err) {
        throw new OutputError(`log file ${file}`, reasonOf(err), { cause: err });
      }
    },
  };
  const logger: Logger & { flush(): void } = pino(
    { level: options.level ?? 'info', base: { pid: process.pid } },
    destination,
  );
  return logger;
}

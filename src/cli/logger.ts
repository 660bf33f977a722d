/**
 * The one place that creates pino. By default a command writes no JSON at all: warnings and errors
 * become short human lines on stderr and the rest is dropped. JSON records (pino) go to `--log-file`,
 * or to stderr when asked for with `--log-level` (or `train --json`).
 */
import { openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import { OutputError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { reasonOf } from '../node/atomic.js';
import { makeDirs } from '../node/files.js';
import { printAbove } from './terminal.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** `--log-level`: JSON records of this level and above (on stderr unless `file`). */
  level?: LogLevel | undefined;
  /** `--log-file`: append the JSON records (default level info) to this file instead. */
  file?: string | undefined;
  /** JSON records on stderr even without `level` (train --json: a machine reads the output). */
  json?: boolean | undefined;
  /** Where the human warnings go when no JSON is asked for (default stderr). */
  stderr?: (text: string) => void;
}

/** `download failed; retrying (connection reset)`: a record as a person reads it. */
export function humanLine(obj: object, msg: string | undefined): string {
  const reason = 'reason' in obj && typeof obj.reason === 'string' ? obj.reason : undefined;
  return `softmax: ${msg ?? 'warning'}${reason === undefined ? '' : ` (${reason})`}`;
}

/** The CLI's root logger; synchronous writes so nothing is lost when the process exits. */
export function rootLogger(options: LoggerOptions = {}): Logger & { flush(): void } {
  if (options.file === undefined && options.level === undefined && options.json !== true) {
    const write = options.stderr ?? ((text: string) => void process.stderr.write(text));
    const warn = (obj: object, msg?: string): void => printAbove(humanLine(obj, msg), write);
    const drop = (): void => {};
    return { debug: drop, info: drop, warn, error: warn, flush: drop };
  }
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

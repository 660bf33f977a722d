/** Options and checks shared by the commands. Loads nothing heavy: `--help` stays fast. */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Options } from 'yargs';
import { pictureFormat } from '../node/render/formats.js';
import { ConfigError } from '../core/errors.js';
import { LOG_LEVELS } from './logger.js';

/** Backend names known without loading TensorFlow.js (kept in step with the Node entry's providers; a test checks). */
export const BACKEND_CHOICES = ['auto', 'tensorflow', 'blas', 'wasm', 'cpu'] as const;

export function numberFlag(flag: string, raw: unknown, ok: (n: number) => boolean, expected: string): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!ok(n)) throw new ConfigError(`--${flag} must be ${expected}, but got '${String(raw)}'.`);
  return n;
}

export const positiveInt = (flag: string) => (raw: unknown) =>
  numberFlag(flag, raw, (n) => Number.isInteger(n) && n >= 1, 'a positive integer');

/** Cross-option checks yargs cannot express; throws ConfigError with the fix. */
export function checkTrainOptions(args: { 'data-dir'?: string | undefined }): true {
  const dir = args['data-dir'];
  if (dir !== undefined && !(existsSync(dir) && statSync(dir).isDirectory())) {
    throw new ConfigError(
      `--data-dir '${dir}' is not a directory. Point it at the folder holding the data set's files, or leave it ` +
        "out to search the usual places and download if needed ('softmax download --dir DIR' fills a directory).",
    );
  }
  return true;
}

/**
 * Where JSON log records go. Without either flag a command writes none: its warnings are short lines
 * on stderr.
 */
export const logOptions = {
  'log-level': {
    choices: LOG_LEVELS,
    requiresArg: true,
    describe: 'Write JSON log records of this level and above to stderr (default: none; warnings as short lines)',
  },
  'log-file': {
    type: 'string',
    requiresArg: true,
    describe: 'Append JSON log records (level info, or --log-level) to this file',
  },
} satisfies Record<string, Options>;

/** `--out` of a picture names a format softmax writes (checked before any model is loaded). */
export function checkPictureOut(args: { out?: string | undefined }): true {
  const out = args.out;
  if (out !== undefined && path.extname(out) !== '' && pictureFormat(out) === undefined) {
    throw new ConfigError(
      `--out '${out}': '${path.extname(out)}' is not a picture format softmax writes; use .png, .svg, .jpg or .webp.`,
    );
  }
  return true;
}

/** Options of the commands that load a saved model (evaluate, predict). */
export const modelOptions = {
  model: {
    type: 'string',
    demandOption: true,
    requiresArg: true,
    describe:
      "What 'softmax train' wrote: the run directory (runs/NAME), its model/, a checkpoint or a checkpoint " +
      'directory (the newest checkpoint)',
  },
  'data-dir': { type: 'string', describe: "Directory with the data set's four files (default: as for train)" },
  backend: {
    choices: BACKEND_CHOICES,
    default: 'auto' as const,
    describe: 'auto tries tensorflow (tfjs-node), then blas (native OpenBLAS addon), then wasm, then cpu',
  },
  ...logOptions,
} satisfies Record<string, Options>;

/** The flags that take several values, each given once per value. */
export const REPEATABLE_FLAGS: readonly string[] = ['mirror', 'image'];

/**
 * Throws `ConfigError` if a flag other than `REPEATABLE_FLAGS` occurs twice in `argv` (`--out a --out b`,
 * `--json --no-json`): yargs would make an array of it, which the commands are not written for, and
 * which of the two the user meant is a guess. Reads the raw words, up to a `--`.
 */
export function rejectRepeatedFlags(argv: readonly string[]): void {
  const seen = new Set<string>();
  for (const word of argv) {
    if (word === '--') return;
    if (!word.startsWith('--')) continue;
    const name = (word.slice(2).split('=')[0] ?? '').replace(/^no-/, '');
    if (REPEATABLE_FLAGS.includes(name)) continue;
    if (seen.has(name)) {
      throw new ConfigError(
        `--${name} was given more than once: give it once (only ${REPEATABLE_FLAGS.map((f) => `--${f}`).join(' and ')} ` +
          'may be repeated).',
      );
    }
    seen.add(name);
  }
}

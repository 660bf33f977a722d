/**
 * `--lr-schedule NAME[,key=value...]`: a learning-rate schedule of `lrScheduler`, with steps given in
 * epochs (converted to updates, MXNet's unit, with the batches per epoch):
 *   factor,step=E[,factor=F]           × F every E epochs (F default 0.5)
 *   multifactor,steps=E1/E2[,factor=F] × F after each listed epoch (F default 0.1)
 *   poly[,pwr=P][,final=LR]            polynomial decay over the run (P default 2)
 *   cosine[,final=LR]                  cosine decay over the run
 * Each takes warmup=E (epochs of linear warm-up from warmup-begin=LR, default 0).
 */
import { ConfigError } from '../../core/errors.js';
import type { LRScheduler } from '../../core/trainer/lr-scheduler.js';
import {
  CosineScheduler,
  FactorScheduler,
  MultiFactorScheduler,
  PolyScheduler,
} from '../../core/trainer/lr-scheduler.js';

const KEYS: Record<string, readonly string[]> = {
  factor: ['step', 'factor'],
  multifactor: ['steps', 'factor'],
  poly: ['pwr', 'final'],
  cosine: ['final'],
};

export const LR_SCHEDULE_NAMES = Object.keys(KEYS);

function fail(spec: string, problem: string): never {
  throw new ConfigError(
    `--lr-schedule '${spec}': ${problem}. Use e.g. 'factor,step=2,factor=0.5', 'multifactor,steps=3/6', ` +
      "'poly,pwr=2', 'cosine,final=0.001', each with an optional warmup=EPOCHS.",
  );
}

/** Checks the spec's syntax without building (for the command line's early check). */
export function checkLrSchedule(spec: string): void {
  parse(spec);
}

function parse(spec: string): { name: string; opts: Map<string, string> } {
  const [name = '', ...pairs] = spec.split(',').map((s) => s.trim());
  const keys = KEYS[name];
  if (keys === undefined) fail(spec, `unknown schedule '${name}' (one of ${LR_SCHEDULE_NAMES.join(', ')})`);
  const opts = new Map<string, string>();
  for (const pair of pairs) {
    const [key = '', value, extra] = pair.split('=');
    if (value === undefined || extra !== undefined || value === '') fail(spec, `'${pair}' is not key=value`);
    if (![...keys, 'warmup', 'warmup-begin'].includes(key)) fail(spec, `'${key}' does not apply to ${name}`);
    if (opts.has(key)) fail(spec, `'${key}' is given twice`);
    opts.set(key, value);
  }
  if (name === 'factor' && !opts.has('step')) fail(spec, 'factor needs step=EPOCHS');
  if (name === 'multifactor' && !opts.has('steps')) fail(spec, 'multifactor needs steps=E1/E2/...');
  return { name, opts };
}

/** The scheduler `spec` names, starting at `lr`, for `epochs` of `batches` updates each. */
export function lrSchedulerOf(spec: string, run: { lr: number; epochs: number; batches: number }): LRScheduler {
  const { name, opts } = parse(spec);
  const num = (key: string, fallback: number, ok: (n: number) => boolean, expected: string): number => {
    const raw = opts.get(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!ok(n)) fail(spec, `${key} must be ${expected}, got '${raw}'`);
    return n;
  };
  const positive = (n: number): boolean => Number.isFinite(n) && n > 0;
  const epochs = (key: string, fallback: number): number =>
    Math.round(num(key, fallback, (n) => Number.isFinite(n) && n >= 0, 'a number of epochs >= 0') * run.batches);
  const warmup = {
    baseLr: run.lr,
    warmupSteps: epochs('warmup', 0),
    warmupBeginLr: num('warmup-begin', 0, (n) => Number.isFinite(n) && n >= 0 && n <= run.lr, `in [0, ${run.lr}]`),
  };
  const total = run.epochs * run.batches;
  try {
    switch (name) {
      case 'factor':
        return new FactorScheduler({
          ...warmup,
          step: Math.max(1, epochs('step', 1)),
          factor: num('factor', 0.5, (n) => positive(n) && n <= 1, 'in (0, 1]'),
        });
      case 'multifactor': {
        const raw = opts.get('steps') ?? '';
        const steps = raw.split('/').map((s) => Math.round(Number(s) * run.batches));
        if (!steps.every((s) => Number.isInteger(s) && s >= 1)) fail(spec, `steps must be epochs > 0, got '${raw}'`);
        return new MultiFactorScheduler({
          ...warmup,
          step: steps,
          factor: num('factor', 0.1, (n) => positive(n) && n <= 1, 'in (0, 1]'),
        });
      }
      case 'poly':
        return new PolyScheduler({
          ...warmup,
          maxUpdate: total,
          pwr: num('pwr', 2, positive, 'a positive number'),
          finalLr: num('final', 0, (n) => Number.isFinite(n) && n >= 0, 'a learning rate >= 0'),
        });
      default:
        return new CosineScheduler({
          ...warmup,
          maxUpdate: total,
          finalLr: num('final', 0, (n) => Number.isFinite(n) && n >= 0, 'a learning rate >= 0'),
        });
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    fail(spec, err instanceof Error ? err.message.replace(/\.$/, '') : String(err));
  }
}

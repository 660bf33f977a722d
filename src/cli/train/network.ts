/**
 * What `softmax train --model ...` trains, resolved from the flags with each chapter's defaults:
 * softmax regression (D2L §3.6-3.7: lr 0.1, 5 epochs here), the MLP (§4.2-4.3: one hidden layer of 256,
 * relu, lr 0.1, 10 epochs), the MLP with dropout (§4.6: a hidden layer of 256 per rate, lr 0.5, 10 epochs),
 * and the optimizer options of the Trainer (concise only: the scratch code is the book's plain sgd).
 */
import type { ActivationName } from '../../core/nn/activation-names.js';
import { ConfigError } from '../../core/errors.js';

export type ModelName = 'softmax' | 'mlp';
export type OptimizerChoice = 'sgd' | 'adam';

/** The flags as given (undefined: not given). */
export interface NetworkFlags {
  /** Undefined: concise. */
  impl?: 'concise' | 'scratch' | undefined;
  model?: ModelName | undefined;
  hidden?: number[] | undefined;
  dropout?: number[] | undefined;
  activation?: ActivationName | undefined;
  optimizer?: OptimizerChoice | undefined;
  lr?: number | undefined;
  momentum?: number | undefined;
  wd?: number | undefined;
  lrSchedule?: string | undefined;
  epochs?: number | undefined;
}

/** Every choice that decides the network and its training, defaults filled in. */
export interface Network {
  impl: 'concise' | 'scratch';
  model: ModelName;
  /** Units of each hidden layer ([] for softmax regression). */
  hidden: number[];
  /** Dropout rate after each hidden layer ([] for none). */
  dropout: number[];
  activation: ActivationName;
  optimizer: OptimizerChoice;
  lr: number;
  momentum: number;
  wd: number;
  /** The --lr-schedule spec, or null for a constant learning rate. */
  lrSchedule: string | null;
  epochs: number;
}

/** The default learning rate, epochs and hidden layers of each chapter, as `--help` and the README state them. */
export function chapterDefaults(model: ModelName, dropout: readonly number[], optimizer: OptimizerChoice) {
  const lr = optimizer === 'adam' ? 0.001 : model === 'mlp' && dropout.length > 0 ? 0.5 : 0.1;
  return {
    lr,
    epochs: model === 'mlp' ? 10 : 5,
    hidden: model === 'mlp' ? (dropout.length > 0 ? dropout.map(() => 256) : [256]) : [],
  };
}

/** Resolves the flags into a Network, refusing combinations that do not make sense (ConfigError). */
export function resolveNetwork(flags: NetworkFlags): Network {
  const model = flags.model ?? 'softmax';
  const dropout = flags.dropout ?? [];
  const optimizer = flags.optimizer ?? 'sgd';
  const defaults = chapterDefaults(model, dropout, optimizer);
  if (model === 'softmax') {
    for (const [flag, given] of [
      ['--hidden', flags.hidden],
      ['--dropout', flags.dropout],
      ['--activation', flags.activation],
    ] as const) {
      if (given !== undefined)
        throw new ConfigError(`${flag} applies to --model mlp; softmax regression has no hidden layer.`);
    }
  }
  const hidden = flags.hidden ?? defaults.hidden;
  if (dropout.length > hidden.length) {
    throw new ConfigError(
      `--dropout gives ${dropout.length} rates but there are ${hidden.length} hidden layers (--hidden ${hidden.join(',')}): ` +
        'give at most one rate per hidden layer.',
    );
  }
  const impl = flags.impl ?? 'concise';
  if (impl === 'scratch') {
    const concise = (
      [
        ['--optimizer', flags.optimizer !== undefined && flags.optimizer !== 'sgd'],
        ['--momentum', (flags.momentum ?? 0) !== 0],
        ['--wd', (flags.wd ?? 0) !== 0],
        ['--lr-schedule', flags.lrSchedule !== undefined],
        ['--activation', flags.activation !== undefined && flags.activation !== 'relu'],
      ] as const
    ).filter(([, used]) => used);
    if (concise.length > 0) {
      throw new ConfigError(
        `${concise.map(([f]) => f).join(', ')} need --impl concise: the from-scratch code is the book's, ` +
          'plain minibatch sgd with relu.',
      );
    }
  }
  if (optimizer === 'adam' && (flags.momentum ?? 0) !== 0)
    throw new ConfigError('--momentum applies to --optimizer sgd; adam has its own moments (beta1, beta2).');
  return {
    impl,
    model,
    hidden: model === 'mlp' ? hidden : [],
    dropout,
    activation: flags.activation ?? 'relu',
    optimizer,
    lr: flags.lr ?? defaults.lr,
    momentum: flags.momentum ?? 0,
    wd: flags.wd ?? 0,
    lrSchedule: flags.lrSchedule ?? null,
    epochs: flags.epochs ?? defaults.epochs,
  };
}

/** A short description for the run's first line: "softmax regression", "MLP 256 relu, dropout 0.2". */
export function describeNetwork(n: Network): string {
  if (n.model === 'softmax') return 'softmax regression';
  const drop = n.dropout.length > 0 ? `, dropout ${n.dropout.join(',')}` : '';
  return `MLP ${n.hidden.join(',')} ${n.activation}${drop}`;
}

/** "--hidden 256,256" → [256, 256], checking each (ConfigError naming the flag). */
export function listFlag(flag: string, raw: unknown, ok: (n: number) => boolean, expected: string): number[] {
  const text = String(raw);
  const items = text.split(',').map((s) => s.trim());
  const values = items.map(Number);
  if (items.length === 0 || items.some((s) => s === '') || !values.every(ok))
    throw new ConfigError(`--${flag} must be a comma-separated list of ${expected}, but got '${text}'.`);
  return values;
}

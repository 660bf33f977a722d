/**
 * The model `softmax train` builds (concise: nn layers + Trainer; scratch: the book's explicit
 * parameters and sgd) for each chapter, as one shape the training code and the checkpoints use, and
 * the command line that resumes a run.
 */
import { SoftmaxCrossEntropyLoss } from '../../core/loss/softmax-cross-entropy.js';
import { Dense } from '../../core/nn/dense.js';
import { Dropout } from '../../core/nn/dropout.js';
import { Normal } from '../../core/nn/init.js';
import type { Parameter } from '../../core/nn/parameter.js';
import { Sequential } from '../../core/nn/sequential.js';
import { MlpScratch } from '../../core/d2l/scratch/mlp.js';
import { SoftmaxRegressionScratch, crossEntropy } from '../../core/d2l/scratch/softmax-regression.js';
import { Trainer } from '../../core/trainer/trainer.js';
import type { Net } from '../../core/d2l/evaluate.js';
import type { LossFn, Updater } from '../../core/d2l/train.js';
import { lrSchedulerOf } from './lr-schedule.js';
import type { Network } from './network.js';

export interface ModelParts {
  net: Net;
  loss: LossFn;
  /** Every trained parameter by key ('0.weight', '0.bias' or 'W', 'b', 'W1', ...): what a checkpoint saves. */
  params: Map<string, Parameter>;
  trainer?: Trainer | undefined;
  /** What updates the parameters after each batch: the Trainer, or the scratch SGD at `lr`. */
  updater: Updater;
  /** What `TrainOutputs.saveModel` saves: a network, or a scratch model as its concise equivalent. */
  saveable: Sequential | { toConcise(): Sequential };
  dispose(): void;
}

/** The book's concise network for `n`: Dense(hidden, act) (+ Dropout) per hidden layer, then Dense(10). */
function conciseNet(n: Network): Sequential {
  const net = new Sequential();
  n.hidden.forEach((units, i) => {
    net.add(new Dense(units, { activation: n.activation }));
    const p = n.dropout[i] ?? 0;
    if (p > 0) net.add(new Dropout(p));
  });
  net.add(new Dense(10));
  net.initialize(Normal(0.01));
  return net;
}

/**
 * Builds the book's model for `n` (weights ~ N(0, 0.01²), biases 0). Concise: a Trainer with the
 * chosen optimizer, momentum, weight decay (weights only: the biases' wdMult is 0, as D2L §4.5 sets it)
 * and schedule over `batches` updates per epoch. Scratch: the book's sgd at `n.lr`.
 */
export function buildModel(n: Network, batches: number): ModelParts {
  if (n.impl === 'scratch') {
    const model =
      n.model === 'softmax'
        ? new SoftmaxRegressionScratch(784, 10, 0.01)
        : new MlpScratch({ hiddens: n.hidden, dropouts: n.dropout });
    const params =
      model instanceof SoftmaxRegressionScratch
        ? new Map([
            ['W', model.W],
            ['b', model.b],
          ])
        : model.namedParams();
    return {
      net: (X) => model.forward(X),
      // Softmax regression from scratch outputs probabilities (its own cross-entropy); the MLP outputs scores.
      loss: n.model === 'softmax' ? crossEntropy : new SoftmaxCrossEntropyLoss(),
      params,
      updater: model.updater(n.lr),
      saveable: model,
      dispose: () => model.dispose(),
    };
  }
  const net = conciseNet(n);
  const lrScheduler =
    n.lrSchedule === null ? undefined : lrSchedulerOf(n.lrSchedule, { lr: n.lr, epochs: n.epochs, batches });
  const trainer = new Trainer(net.collectParams(), n.optimizer, {
    learningRate: n.lr,
    ...(n.wd === 0 ? {} : { wd: n.wd }),
    ...(n.optimizer === 'sgd' && n.momentum !== 0 ? { momentum: n.momentum } : {}),
    ...(lrScheduler === undefined ? {} : { lrScheduler }),
  });
  net.collectParams(/.*bias/).setattr('wdMult', 0);
  return {
    net,
    loss: new SoftmaxCrossEntropyLoss(),
    params: net.collectParams(),
    trainer,
    updater: trainer,
    saveable: net,
    dispose: () => {
      trainer.dispose();
      net.dispose();
    },
  };
}

const quote = (s: string): string => (/^[\w./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The exact `softmax train --resume DIR ...` that continues a run: every option a checkpoint checks. */
export function resumeCommand(
  args: {
    impl: string;
    epochs: number;
    batchSize: number;
    lr: number;
    seed: number;
    backend: string;
    dataset?: string | undefined;
    dataDir?: string | undefined;
    limit?: number | undefined;
  } & Partial<Omit<Network, 'epochs' | 'lr' | 'impl'>>,
  dir: string,
): string {
  const parts = [
    'softmax train --resume',
    quote(dir),
    '--impl',
    args.impl,
    '--epochs',
    String(args.epochs),
    '--batch-size',
    String(args.batchSize),
  ];
  parts.push(
    '--lr',
    String(args.lr),
    '--seed',
    String(args.seed),
    '--backend',
    args.backend,
    '--dataset',
    args.dataset ?? 'fashion-mnist',
  );
  if (args.model !== undefined && args.model !== 'softmax') {
    parts.push('--model', args.model, '--hidden', (args.hidden ?? []).join(','));
    if ((args.dropout ?? []).length > 0) parts.push('--dropout', (args.dropout ?? []).join(','));
    if (args.activation !== undefined && args.activation !== 'relu') parts.push('--activation', args.activation);
  }
  if (args.optimizer !== undefined && args.optimizer !== 'sgd') parts.push('--optimizer', args.optimizer);
  if ((args.momentum ?? 0) !== 0) parts.push('--momentum', String(args.momentum));
  if ((args.wd ?? 0) !== 0) parts.push('--wd', String(args.wd));
  if (args.lrSchedule !== undefined && args.lrSchedule !== null) parts.push('--lr-schedule', quote(args.lrSchedule));
  if (args.dataDir !== undefined) parts.push('--data-dir', quote(args.dataDir));
  if (args.limit !== undefined) parts.push('--limit', String(args.limit));
  return parts.join(' ');
}

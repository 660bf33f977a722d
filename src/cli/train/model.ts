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
import { invocation, shellQuote } from '../invocation.js';

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

/** The book's concise network for `n` (weights deferred: the first batch, or loaded parameters, fix them): Dense(hidden, act) (+ Dropout) per hidden layer, then Dense(10). */
export function conciseNet(n: Pick<Network, 'hidden' | 'dropout' | 'activation'>): Sequential {
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

/**
 * The command that continues a run from the checkpoints in `dir`, as the user would type it here
 * (`invocation`): the options that decide the numbers come from the checkpoint, so it names only
 * what a checkpoint does not hold (epochs, run directory, checkpoints kept, data and backend choice).
 */
export function resumeCommand(
  args: {
    epochs: number;
    out?: string | undefined;
    keep?: number | undefined;
    backend: string;
    dataDir?: string | undefined;
  },
  dir: string,
  start: string = invocation(),
): string {
  const parts = [start, 'train', '--resume', shellQuote(dir), '--epochs', String(args.epochs)];
  if (args.out !== undefined) parts.push('--out', shellQuote(args.out));
  if (args.keep !== undefined && args.keep !== 3) parts.push('--keep', String(args.keep));
  if (args.backend !== 'auto') parts.push('--backend', args.backend);
  if (args.dataDir !== undefined) parts.push('--data-dir', shellQuote(args.dataDir));
  return parts.join(' ');
}

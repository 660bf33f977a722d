/**
 * The model `softmax train` builds (concise: nn.Dense + Trainer; scratch: explicit W, b and SGD), as
 * one shape the training code and the checkpoints use, and the command line that resumes a run.
 */
import { SoftmaxCrossEntropyLoss } from '../../core/loss/softmax-cross-entropy.js';
import type { Block } from '../../core/nn/block.js';
import { Dense } from '../../core/nn/dense.js';
import { Normal } from '../../core/nn/init.js';
import type { Parameter } from '../../core/nn/parameter.js';
import { Sequential } from '../../core/nn/sequential.js';
import { SoftmaxRegressionScratch, crossEntropy } from '../../core/d2l/scratch/softmax-regression.js';
import { Trainer } from '../../core/trainer/trainer.js';
import type { Net } from '../../core/d2l/evaluate.js';
import type { LossFn, Updater } from '../../core/d2l/train.js';

export interface ModelParts {
  net: Net;
  loss: LossFn;
  /** Every trained parameter by key ('0.weight', '0.bias' or 'W', 'b'): what a checkpoint saves. */
  params: Map<string, Parameter>;
  trainer?: Trainer | undefined;
  /** What updates the parameters after each batch: the Trainer, or the scratch SGD at `lr`. */
  updater: Updater;
  /** What `TrainOutputs.saveModel` saves. */
  saveable: Block | SoftmaxRegressionScratch;
  dispose(): void;
}

/** Builds the book's model for `impl` (W ~ N(0, 0.01²), b = 0) with minibatch SGD at `lr`. */
export function buildModel(impl: 'concise' | 'scratch', lr: number): ModelParts {
  if (impl === 'scratch') {
    const model = new SoftmaxRegressionScratch(784, 10, 0.01);
    return {
      net: (X) => model.forward(X),
      loss: crossEntropy,
      params: new Map([
        ['W', model.W],
        ['b', model.b],
      ]),
      updater: model.updater(lr),
      saveable: model,
      dispose: () => model.dispose(),
    };
  }
  const net = new Sequential();
  net.add(new Dense(10));
  net.initialize(Normal(0.01));
  const trainer = new Trainer(net.collectParams(), 'sgd', { learningRate: lr });
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
  },
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
  if (args.dataDir !== undefined) parts.push('--data-dir', quote(args.dataDir));
  if (args.limit !== undefined) parts.push('--limit', String(args.limit));
  return parts.join(' ');
}

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
import { invocation, shellQuote } from '../invocation.js';

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

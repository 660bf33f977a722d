/** The network a checkpoint's run options describe: what a resumed run trains, and what `--model CHECKPOINT` rebuilds. */
import type { RunOptions } from '../../core/fit/checkpoint.js';
import { withRunDefaults } from '../../core/fit/checkpoint.js';
import type { ActivationName } from '../../core/nn/activation-names.js';
import type { Network } from './network.js';
import { resolveNetwork } from './network.js';

/** The network `run` describes (an older checkpoint's: softmax regression with plain sgd), checked as flags are. */
export function networkOfRun(run: RunOptions, epochs?: number): Network {
  const r = withRunDefaults(run);
  const mlp = r.model === 'mlp';
  return resolveNetwork({
    impl: r.impl === 'scratch' ? 'scratch' : 'concise',
    model: mlp ? 'mlp' : 'softmax',
    hidden: mlp ? r.hidden : undefined,
    dropout: mlp && r.dropout.length > 0 ? r.dropout : undefined,
    activation: mlp ? (r.activation as ActivationName) : undefined,
    optimizer: r.optimizer === 'adam' ? 'adam' : 'sgd',
    lr: r.lr,
    momentum: r.momentum,
    wd: r.wd,
    lrSchedule: r.lrSchedule ?? undefined,
    epochs,
  });
}

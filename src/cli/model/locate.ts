/**
 * What `--model` may name: a model directory (`runs/NAME/model`), a run directory (`runs/NAME`: its
 * `model/`, or while it has none, the newest checkpoint in its `checkpoints/`), a checkpoint
 * (`epoch-0003`) or a checkpoint directory (its newest intact checkpoint). A checkpoint holds the
 * parameters; the network is the one its run trained (its options say which: softmax regression or the MLP).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { datasetInfo } from '../../core/data/datasets.js';
import { MlpScratch } from '../../core/d2l/scratch/mlp.js';
import { SoftmaxRegressionScratch } from '../../core/d2l/scratch/softmax-regression.js';
import type { Checkpoint } from '../../core/fit/checkpoint.js';
import { CHECKPOINT_KIND } from '../../core/fit/checkpoint.js';
import type { LoadedModel } from '../../core/nn/model.js';
import { loadModel } from '../../core/nn/model.js';
import type { Sequential } from '../../core/nn/sequential.js';
import { setParameters } from '../../core/nn/serialize.js';
import { bundleKind } from '../../node/bundle-kind.js';
import { CheckpointStore, readCheckpoint } from '../../node/checkpoint-store.js';
import { RUN_CHECKPOINTS } from '../train/checkpoints.js';
import { conciseNet } from '../train/model.js';
import { networkOfRun } from '../train/run-network.js';

/** A loaded model and what `--model` turned out to name (for messages). */
export interface LocatedModel extends LoadedModel {
  /** The directory the parameters were read from. */
  source: string;
}

/** The network a checkpoint's run trained, with its parameters (a scratch model as its concise equivalent). The caller owns it. */
export function netFromCheckpoint(ckpt: Checkpoint): Sequential {
  const network = networkOfRun(ckpt.meta.run);
  if (network.impl === 'scratch') {
    // The sizes are the saved parameters' (W [inputs, outputs]; the MLP's W1 first, its last W last).
    const shapes = [...ckpt.params].filter(([key]) => key.startsWith('W')).map(([, a]) => a.shape);
    const [inputs = 784, outputs = 10] = [shapes[0]?.[0], shapes.at(-1)?.[1]];
    const model =
      network.model === 'mlp'
        ? new MlpScratch({ numInputs: inputs, hiddens: network.hidden, numOutputs: outputs, dropouts: network.dropout })
        : new SoftmaxRegressionScratch(inputs, outputs, 0.01);
    try {
      const params =
        model instanceof MlpScratch
          ? model.namedParams()
          : new Map([
              ['W', model.W],
              ['b', model.b],
            ]);
      setParameters(params, ckpt.params, ckpt.dir);
      return model.toConcise();
    } finally {
      model.dispose();
    }
  }
  const net = conciseNet(network);
  try {
    setParameters(net.collectParams(), ckpt.params, ckpt.dir);
    return net;
  } catch (err) {
    net.dispose();
    throw err;
  }
}

/** Loads what `--model dir` names (see the module comment). Throws `ModelFormatError` when it is none of those. */
export async function locateModel(dir: string, notice: (line: string) => void): Promise<LocatedModel> {
  const kind = await bundleKind(dir);
  if (kind === 'model' || (kind === undefined && !existsSync(dir))) return { ...(await loadModel(dir)), source: dir };
  if (kind === CHECKPOINT_KIND) return fromCheckpoint(await readCheckpoint(dir));
  if (kind === undefined) {
    const model = path.join(dir, 'model');
    if ((await bundleKind(model)) === 'model') return { ...(await loadModel(model)), source: model };
    const checkpoints = path.join(dir, RUN_CHECKPOINTS);
    const store = existsSync(checkpoints) ? checkpoints : dir;
    if (
      (
        await CheckpointStore.reader(store)
          .names()
          .catch(() => [])
      ).length > 0
    )
      return fromCheckpoint(await CheckpointStore.reader(store).latestGood(notice));
  }
  // Not one of those: loadModel says what is wrong with it as a model directory.
  return { ...(await loadModel(dir)), source: dir };
}

function fromCheckpoint(ckpt: Checkpoint): LocatedModel {
  const net = netFromCheckpoint(ckpt);
  const dataset = datasetInfo(ckpt.meta.run.dataset);
  const last = ckpt.meta.history[ckpt.meta.history.length - 1];
  return {
    net,
    meta: {
      architecture: null,
      classes: dataset.classes,
      dataset: dataset.name,
      ...(last === undefined ? {} : { metrics: { epochs: last.epoch, testAcc: last.testAcc } }),
    },
    source: ckpt.dir,
  };
}

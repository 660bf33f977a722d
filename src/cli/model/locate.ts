/**
 * What `--model` may name: a model directory (`runs/NAME/model`), a run directory (`runs/NAME`: its
 * `model/`, or while it has none, the newest checkpoint in its `checkpoints/`), a checkpoint
 * (`epoch-0003`) or a checkpoint directory (its newest intact checkpoint). A checkpoint holds the
 * parameters; the network is the one its run trained (concise: Dense keys, scratch: W and b).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { datasetInfo } from '../../core/data/datasets.js';
import { denseFromScratch } from '../../core/d2l/scratch/to-dense.js';
import { ModelFormatError } from '../../core/errors.js';
import { tf } from '../../core/backend/tf.js';
import type { Checkpoint } from '../../core/fit/checkpoint.js';
import { CHECKPOINT_KIND } from '../../core/fit/checkpoint.js';
import type { LoadedModel } from '../../core/nn/model.js';
import { loadModel } from '../../core/nn/model.js';
import { Dense } from '../../core/nn/dense.js';
import { Sequential } from '../../core/nn/sequential.js';
import { setParameters } from '../../core/nn/serialize.js';
import { bundleKind } from '../../node/bundle-kind.js';
import { CheckpointStore, readCheckpoint } from '../../node/checkpoint-store.js';
import { RUN_CHECKPOINTS } from '../train/checkpoints.js';

/** A loaded model and what `--model` turned out to name (for messages). */
export interface LocatedModel extends LoadedModel {
  /** The directory the parameters were read from. */
  source: string;
}

/** The network a checkpoint's run trained, with its parameters. The caller owns the network. */
export function netFromCheckpoint(ckpt: Checkpoint): Sequential {
  const W = ckpt.params.get('W');
  const b = ckpt.params.get('b');
  if (ckpt.meta.run.impl === 'scratch' && W !== undefined && b !== undefined && W.shape.length === 2) {
    const tensors = [tf.tensor(W.data, [...W.shape]), tf.tensor(b.data, [...b.shape])] as const;
    try {
      return denseFromScratch(...tensors);
    } finally {
      tf.dispose([...tensors]);
    }
  }
  const weight = ckpt.params.get('0.weight');
  if (weight === undefined || weight.shape.length !== 2) {
    throw new ModelFormatError(ckpt.dir, 'holds no parameters of a network softmax can rebuild (0.weight or W, b)');
  }
  const [units, inUnits] = weight.shape as [number, number];
  const net = new Sequential().add(new Dense(units, { inUnits, useBias: ckpt.params.has('0.bias') }));
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

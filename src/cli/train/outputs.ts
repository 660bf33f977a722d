/**
 * What a finished `softmax train` writes into its run directory besides the epochs: the model (a
 * scratch model as its equivalent Dense network) and run.json, everything needed to understand and
 * repeat the run.
 */
import type { DatasetInfo } from '../../core/data/datasets.js';
import type { EpochMetrics } from '../../core/d2l/train.js';
import type { Sequential } from '../../core/nn/sequential.js';
import type { ModelMeta } from '../../core/nn/serialize.js';
import { metricsRecord } from './lines.js';
import type { RunDir } from './run-dir.js';
import { versions } from './run-dir.js';

/** Saves the model into the run directory's `model/`; returns that path. */
export async function saveModel(
  run: RunDir,
  model: Sequential | { toConcise(): Sequential },
  meta: Partial<ModelMeta>,
): Promise<string> {
  if ('saveParameters' in model) {
    await model.saveParameters(run.modelDir, meta);
  } else {
    const net = model.toConcise();
    try {
      await net.saveParameters(run.modelDir, meta);
    } finally {
      net.dispose();
    }
  }
  return run.modelDir;
}

/** Writes run.json once the curves are drawn: options, backend, versions, seed, data digests, final figures. */
export async function writeRunJson(
  run: RunDir,
  info: {
    args: object;
    backend: string;
    seed: number;
    dataset: DatasetInfo;
    dataDir?: string | undefined;
    history: readonly EpochMetrics[];
    examplesPerSec: number;
    startedAt: Date;
  },
): Promise<void> {
  await run.settle();
  const last = info.history[info.history.length - 1];
  const files = [
    info.dataset.files.train.images,
    info.dataset.files.train.labels,
    info.dataset.files.test.images,
    info.dataset.files.test.labels,
  ];
  await run.writeRunJson({
    options: info.args,
    backend: info.backend,
    seed: info.seed,
    versions: versions(),
    data: {
      dataset: info.dataset.name,
      dir: info.dataDir ?? null,
      digests: Object.fromEntries(
        files.map((f) => [f.file, f.sha256 !== undefined ? `sha256:${f.sha256}` : `md5:${f.md5}`]),
      ),
    },
    startedAt: info.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    final: last === undefined ? null : { ...metricsRecord(last), examplesPerSecOverall: info.examplesPerSec },
    files: { metrics: 'metrics.jsonl', curves: ['curves.svg', 'curves.png'], model: 'model/' },
  });
}

/**
 * `softmax train`, as a function: pick the backend, seed, load the data, build the concise or the
 * scratch model, run the fit loop with the run's callbacks (progress bar, epoch lines, run directory,
 * checkpoints, stop on a signal), report. The CLI handler calls it; tests call it with fakes.
 */
import { initBackend } from '../../core/backend/registry.js';
import { StoppedError } from '../../core/errors.js';
import { loadersOf } from '../../core/data/data-loader.js';
import type { DatasetName } from '../../core/data/datasets.js';
import { DATASET_NAMES, datasetInfo } from '../../core/data/datasets.js';
import type { EpochMetrics } from '../../core/d2l/train.js';
import { examplesPerSecond } from '../../core/d2l/train.js';
import type { Callback, FitControl } from '../../core/fit/callbacks.js';
import { fit } from '../../core/fit/fit.js';
import type { Logger } from '../../core/logger.js';
import { seed as seedGlobal } from '../../core/random.js';
import type { DataSource, LoadedSplits } from '../../node/data/store.js';
import { loadSplits } from '../../node/data/store.js';
import '../../node/setup.js';
import * as path from 'node:path';
import { CheckpointSession, RUN_CHECKPOINTS } from './checkpoints.js';
import type { RunFlag } from './checkpoints.js';
import { EpochLines } from './lines.js';
import { buildModel, resumeCommand } from './model.js';
import type { NetworkFlags } from './network.js';
import { networkOfRun } from './run-network.js';
import { describeNetwork, resolveNetwork } from './network.js';
import { saveModel, writeRunJson } from './outputs.js';
import { EpochProgress, withStatus } from './progress.js';
import { nativeHintOnce } from './native-hint.js';
import { RunDir } from './run-dir.js';
import type { TerminalStream } from '../terminal.js';

export interface TrainArgs extends NetworkFlags {
  impl: 'concise' | 'scratch';
  /** Undefined ⇒ the chapter's (5 for softmax regression, 10 for the MLP). */
  epochs?: number | undefined;
  batchSize: number;
  /** Undefined ⇒ the chapter's (0.1; 0.5 with dropout; 0.001 for adam). */
  lr?: number | undefined;
  /** Undefined ⇒ a random seed, reported so the run can be repeated. */
  seed?: number | undefined;
  backend: string;
  /** Explicit data directory (strict: must hold the files); undefined ⇒ search, then download. */
  dataDir?: string | undefined;
  /** `fashion-mnist` (default) or `mnist`. */
  dataset?: DatasetName;
  checkLeaks?: boolean;
  /**
   * Run directory for metrics.jsonl, curves, run.json and the model; undefined writes none (the CLI defaults to
   * runs/<timestamp>).
   */
  out?: string | undefined;
  /** Make `out` a new directory (`out-2`, `out-3`... when taken): the CLI's default runs/<timestamp>. */
  freshOut?: boolean | undefined;
  /** Print one JSON object per epoch on stdout instead of the book's lines. */
  json?: boolean | undefined;
  /** Write a checkpoint after every epoch (and on SIGINT/SIGTERM) into this directory. */
  checkpointDir?: string | undefined;
  /** Checkpoints kept (default 3). */
  keep?: number | undefined;
  /** Continue from the newest intact checkpoint in this directory (and keep writing checkpoints there). */
  resume?: string | undefined;
  /** Use only the first N examples of each split: a testing aid. */
  limit?: number | undefined;
  /** Base URLs to download a missing data set from, in order (default SOFTMAX_MIRROR, else the table's). */
  mirror?: readonly string[] | undefined;
  /**
   * With `resume`: the run options the user gave (the CLI's flags); the others are taken from the
   * checkpoint. Undefined: every option counts as given, and one that differs is refused.
   */
  given?: readonly RunFlag[] | undefined;
}

export interface TrainDeps {
  logger: Logger;
  /** Where the human lines go (default stdout). */
  print?: (line: string) => void;
  /** Where the one line saying where the data came from goes (default stderr, keeping stdout the book's). */
  notice?: (line: string) => void;
  /** Where warnings go (a damaged checkpoint skipped, another backend): never silenced (default `notice`). */
  warn?: (line: string) => void;
  /** A TTY to draw progress bars and status notes on; undefined (the default) draws none. */
  progressStream?: TerminalStream | undefined;
  /** Aborted (reason 'SIGINT' or 'SIGTERM') to stop after the current batch with a checkpoint. */
  signal?: AbortSignal | undefined;
  /** The environment (the native-backend hint's marker lives in its user cache; default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The data set already being read (the CLI starts early); `undefined` from it means: load as usual. */
  splits?: Promise<LoadedSplits | undefined>;
}

/** One human line: where the data set was found, or where it was downloaded from and to. */
export function describeSource(title: string, source: DataSource): string {
  if (source.kind !== 'download') return `${title}: using the ${source.kind} copy in ${source.dir}`;
  const urls = [
    ...new Set((source.files ?? []).flatMap((f) => (f.url === undefined ? [] : [new URL('.', f.url).href]))),
  ];
  return `${title}: downloaded into ${source.dir}${urls.length ? ` from ${urls.join(', ')}` : ''} and verified`;
}

export interface TrainResult {
  backend: string;
  seed: number;
  history: EpochMetrics[];
  examplesPerSec: number;
  /** Where the model was saved (with --out). */
  modelDir?: string | undefined;
}

/** Stops training after the batch in progress once `signal` aborts (a SIGINT or SIGTERM the CLI trapped). */
function stopOn(signal: AbortSignal): Callback {
  return {
    onTrainBegin(control: FitControl): void {
      if (signal.aborted) control.stopTraining = true;
      else signal.addEventListener('abort', () => (control.stopTraining = true), { once: true });
    },
  };
}

/** Runs a whole training job as the CLI does; see `TrainArgs`. */
export async function runTrain(args: TrainArgs, deps: TrainDeps): Promise<TrainResult> {
  // What the job holds (the checkpoint directory's lock) is let go however it ends.
  const held: { close(): Promise<void> }[] = [];
  try {
    return await trainJob(args, deps, held);
  } finally {
    for (const h of held) await h.close();
  }
}

async function trainJob(args: TrainArgs, deps: TrainDeps, held: { close(): Promise<void> }[]): Promise<TrainResult> {
  const { logger } = deps;
  const startedAt = new Date();
  // Checked before anything loads; with --resume, what was not given is the checkpoint's (below).
  const flags = resolveNetwork(args);
  const print = deps.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const backend = await initBackend(args.backend);
  for (const s of backend.skipped) logger.info({ backend: s.name, reason: s.reason }, 'backend skipped');
  const notice = deps.notice ?? ((line: string) => void process.stderr.write(`${line}\n`));
  await nativeHintOnce(args.backend, backend.name, backend.skipped, notice, deps.env);
  const signal = deps.signal;
  const checkpoints = await CheckpointSession.open(
    {
      dir: args.checkpointDir,
      keep: args.keep ?? 3,
      resume: args.resume,
      // A resumed run not told --epochs trains its chapter's number (the checkpoint's model decides).
      epochs: (run) => args.epochs ?? networkOfRun(run).epochs,
      given: args.given === undefined ? undefined : new Set(args.given),
      fallbackDir: args.out === undefined ? undefined : path.join(args.out, RUN_CHECKPOINTS),
    },
    {
      impl: args.impl,
      batchSize: args.batchSize,
      lr: flags.lr,
      seed: args.seed ?? Math.floor(Math.random() * 2 ** 31),
      dataset: args.dataset ?? 'fashion-mnist',
      limit: args.limit ?? null,
      backend: backend.name,
      model: flags.model,
      hidden: flags.hidden,
      dropout: flags.dropout,
      activation: flags.activation,
      optimizer: flags.optimizer,
      momentum: flags.momentum,
      wd: flags.wd,
      lrSchedule: flags.lrSchedule,
    },
    (dir) => resumeCommand({ ...args, epochs }, dir),
    deps.warn ?? notice,
    () => (signal?.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'),
  );
  held.push(checkpoints);
  // With --resume, the options the user did not give are the checkpoint's: from here on, `args` says so.
  const { run } = checkpoints;
  const network = networkOfRun(run, args.epochs);
  const { epochs, lr } = network;
  args = {
    ...args,
    impl: network.impl,
    batchSize: run.batchSize,
    lr,
    seed: run.seed,
    dataset: DATASET_NAMES.find((n) => n === run.dataset) ?? 'fashion-mnist',
    limit: run.limit ?? undefined,
  };
  const seed = run.seed;
  seedGlobal(seed);
  const dataset = datasetInfo(args.dataset ?? 'fashion-mnist');
  const loadStart = performance.now();
  // Before training a signal has nothing to checkpoint: it stops the run at once (no run directory is made).
  const stopIfSignalled = (where: string): void => {
    if (signal?.aborted) throw StoppedError.of(signal, where);
  };
  stopIfSignalled('before loading the data');
  const splits = await withStatus(
    deps.progressStream,
    `loading and verifying ${dataset.title}`,
    async () =>
      (await deps.splits) ?? (await loadSplits(dataset, { root: args.dataDir, logger, signal, mirrors: args.mirror })),
  );
  stopIfSignalled('after loading the data, before training');
  const { source } = splits;
  logger.info(
    { dataset: dataset.name, source: source.kind, root: source.dir, seconds: (performance.now() - loadStart) / 1000 },
    'data loaded and verified',
  );
  notice(describeSource(dataset.title, source));
  // The loaders draw their shuffling seed from the global generator before the model draws its weights.
  const [trainIter, testIter] = loadersOf(splits, args.batchSize, { limit: args.limit });
  const runDir =
    args.out === undefined
      ? undefined
      : await RunDir.create(args.out, {
          title: `${args.impl} ${describeNetwork(network)} on ${dataset.title}`,
          epochs,
          details: `batch size ${args.batchSize}, lr ${lr}${network.lrSchedule === null ? '' : ` (${network.lrSchedule})`}`,
          fresh: args.freshOut,
        });
  if (runDir !== undefined) held.push(runDir);
  if (runDir !== undefined) notice(`run directory: ${runDir.dir} (metrics.jsonl, curves.svg/.png, run.json, model/)`);
  (args.json ? notice : print)(
    `training ${args.impl} ${describeNetwork(network)} on ${backend.name}: ` +
      `${epochs} epoch${epochs === 1 ? '' : 's'}, batch size ${args.batchSize}, lr ${lr}, seed ${seed}`,
  );
  logger.info({ ...args, seed, backend: backend.name, dataDir: source.dir }, 'training started');

  const model = buildModel(network, trainIter.length);
  const progress =
    deps.progressStream === undefined
      ? undefined
      : new EpochProgress({ epochs, batches: trainIter.length, stream: deps.progressStream });
  const lines = new EpochLines({ json: args.json ?? false, checkLeaks: args.checkLeaks ?? false }, print, logger, () =>
    progress?.clear(),
  );
  let history: EpochMetrics[] = [];
  let modelDir: string | undefined;
  try {
    const start = checkpoints.restore({ params: model.params, trainer: model.trainer, loader: trainIter });
    if (checkpoints.resumedFrom !== undefined) notice(`resuming from ${checkpoints.resumedFrom}`);
    const callbacks: Callback[] = [
      ...(signal === undefined ? [] : [stopOn(signal)]),
      ...(progress === undefined ? [] : [progress]),
      lines,
    ];
    if (runDir !== undefined) callbacks.push(runDir);
    callbacks.push(checkpoints);
    const result = await fit(model.net, trainIter, testIter, model.loss, {
      epochs,
      batchSize: args.batchSize,
      updater: model.updater,
      callbacks,
      ...start,
    });
    history = result.epochs;
    if (checkpoints.interruption !== undefined) {
      await runDir?.settle().catch(() => undefined); // the curves of the epochs done; the stop is what is reported
      throw checkpoints.interruption;
    }
    const meta = {
      classes: dataset.classes,
      dataset: dataset.name,
      impl: args.impl,
      model: network.model,
      metrics: finalMetrics(history),
    };
    if (runDir !== undefined) modelDir = await saveModel(runDir, model.saveable, meta);
  } finally {
    model.dispose();
    progress?.clear();
    // Leave no drawing half done, on failure too. A drawing's error is thrown again by `settle`; after
    // a failure it is secondary to the error in flight.
    await runDir?.settle().catch(() => undefined);
  }
  const examplesPerSec = examplesPerSecond(history);
  (args.json ? notice : print)(`${examplesPerSec.toFixed(1)} examples/sec on ${backend.name}`);
  if (runDir !== undefined)
    await writeRunJson(runDir, {
      args: { ...args, ...network, out: runDir.dir },
      backend: backend.name,
      seed,
      dataset,
      dataDir: source.dir,
      history,
      examplesPerSec,
      startedAt,
    });
  const last = history[history.length - 1];
  logger.info({ backend: backend.name, seed, examplesPerSec, ...last, runDir: runDir?.dir }, 'training done');
  return { backend: backend.name, seed, history, examplesPerSec, modelDir };
}

/** The last epoch's figures, for the model's manifest. */
function finalMetrics(history: readonly EpochMetrics[]): Record<string, number> {
  const last = history[history.length - 1];
  return last === undefined
    ? {}
    : { epochs: last.epoch, loss: last.loss, trainAcc: last.trainAcc, testAcc: last.testAcc };
}

/**
 * The checkpoint format: a bundle (`io/bundle.ts`, kind 'checkpoint') holding the parameters
 * (`param/<key>`), the optimizer state (`state/<key>.<i>`), and in its manifest everything else a
 * resumed run needs to continue exactly: epochs done, the position inside the epoch in progress (after
 * an interrupt), the training loader's state at that epoch's start, the metrics history, and the
 * options of the run, so `--resume` can refuse a checkpoint of an incompatible run.
 */
import type { LoaderState } from '../data/data-loader.js';
import type { GeneratorState } from '../random.js';
import { DivergenceError, ModelFormatError } from '../errors.js';
import { quote } from '../quote.js';
import type { Manifest, NamedArray } from '../io/bundle.js';
import type { Parameter } from '../nn/parameter.js';
import { parameterArrays } from '../nn/serialize.js';
import type { TrainerStatesMeta } from '../trainer/state.js';
import type { EpochMetrics, EpochPosition } from '../d2l/train.js';

export const CHECKPOINT_KIND = 'checkpoint';

/** The options that decide a run's numbers: a checkpoint resumes only a run with the same ones. */
export interface RunOptions {
  impl: string;
  batchSize: number;
  lr: number;
  seed: number;
  dataset: string;
  /** Examples per split (testing aid), null for all. */
  limit: number | null;
  /** The backend's name (auto resolved): another one gives other rounding. */
  backend: string;
  /** The network and its optimizer; absent in checkpoints of softmax regression written before the MLP. */
  model?: string;
  hidden?: number[];
  dropout?: number[];
  activation?: string;
  optimizer?: string;
  momentum?: number;
  wd?: number;
  lrSchedule?: string | null;
}

/** The network fields of a checkpoint written before they existed: softmax regression with plain sgd. */
export const RUN_DEFAULTS: Required<Pick<RunOptions, NetworkField>> = {
  model: 'softmax',
  hidden: [],
  dropout: [],
  activation: 'relu',
  optimizer: 'sgd',
  momentum: 0,
  wd: 0,
  lrSchedule: null,
};

type NetworkField = 'model' | 'hidden' | 'dropout' | 'activation' | 'optimizer' | 'momentum' | 'wd' | 'lrSchedule';

/** `run` with the network fields an older checkpoint lacks filled in with what it trained. */
export function withRunDefaults(run: RunOptions): Required<RunOptions> {
  return { ...RUN_DEFAULTS, ...run } as Required<RunOptions>;
}

/** What a checkpoint's manifest adds to the bundle header. */
export interface CheckpointMeta {
  /**
   * Which run wrote it (random; a resumed run keeps its checkpoint's): a run prunes only its own
   * checkpoints. Absent from checkpoints written before it existed, which still load.
   */
  runId?: string;
  run: RunOptions;
  /** Epochs completed. */
  epoch: number;
  /** Progress into epoch `epoch + 1` when written on an interrupt, else null. */
  position: EpochPosition | null;
  /** The training loader's state at the start of epoch `epoch + 1`. */
  loader: LoaderState;
  history: EpochMetrics[];
  /** Optimizer state (concise only), as `Trainer.exportStates` describes it. */
  trainer: TrainerStatesMeta | null;
  /**
   * The global generator's state (dropout masks are drawn from it), so a resumed run draws the masks an
   * uninterrupted one would; absent in checkpoints written before dropout.
   */
  random?: GeneratorState;
}

/** What a resumed run restores: the manifest and the arrays split by kind. */
export interface Checkpoint {
  dir: string;
  meta: CheckpointMeta;
  params: Map<string, NamedArray>;
  states: Map<string, NamedArray>;
}

/**
 * The arrays of a checkpoint: `param/<key>` for each parameter, `state/<key>.<i>` for the optimizer
 * state. A non-finite parameter means training diverged at the last step: it throws `DivergenceError`
 * instead, so no checkpoint of a diverged run is written and the previous one stays the newest.
 */
export function checkpointArrays(
  meta: CheckpointMeta,
  params: Map<string, Parameter>,
  states: readonly NamedArray[],
): NamedArray[] {
  const arrays = parameterArrays(params);
  for (const a of arrays) {
    const bad = a.data.find((v) => !Number.isFinite(v));
    if (bad !== undefined)
      throw new DivergenceError(meta.epoch + 1, bad, meta.position?.batch, `parameter '${a.name}'`);
  }
  return [
    ...arrays.map((a) => ({ ...a, name: `param/${a.name}` })),
    ...states.map((a) => ({ ...a, name: `state/${a.name}` })),
  ];
}

const isNum = (v: unknown): v is number => typeof v === 'number';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => isNum(v) && Number.isSafeInteger(v) && v >= 0;

const isByte = (v: unknown): boolean => isCount(v) && (v as number) < 256;
/** ARC4's state `S` is a permutation of 0..255: anything else is not a state the generator can be in. */
function isPermutation(S: unknown): boolean {
  if (!Array.isArray(S) || S.length !== 256 || !S.every(isByte)) return false;
  return new Set(S).size === 256;
}
/** An ARC4 state: i and j bytes, S a permutation of 0..255. */
const isGeneratorState = (g: unknown): boolean => isObj(g) && isByte(g['i']) && isByte(g['j']) && isPermutation(g['S']);

const HISTORY_FIELDS = ['epoch', 'loss', 'trainAcc', 'testAcc', 'seconds', 'examples', 'numTensors'];

/** The first manifest field a resumed run relies on that is missing or malformed, else undefined. */
function badField(m: Record<string, unknown>): string | undefined {
  const run = m['run'];
  if (
    !isObj(run) ||
    typeof run['impl'] !== 'string' ||
    !isNum(run['batchSize']) ||
    !isNum(run['lr']) ||
    !isNum(run['seed'])
  )
    return 'run';
  if (
    typeof run['dataset'] !== 'string' ||
    typeof run['backend'] !== 'string' ||
    !(run['limit'] === null || isCount(run['limit']))
  )
    return 'run';
  const numbers = (v: unknown): boolean => Array.isArray(v) && v.every((x) => isNum(x) && Number.isFinite(x));
  const optional = (k: string, ok: (v: unknown) => boolean): boolean => run[k] === undefined || ok(run[k]);
  if (
    !optional('model', (v) => typeof v === 'string') ||
    !optional('hidden', numbers) ||
    !optional('dropout', numbers) ||
    !optional('activation', (v) => typeof v === 'string') ||
    !optional('optimizer', (v) => typeof v === 'string') ||
    !optional('momentum', isNum) ||
    !optional('wd', isNum) ||
    !optional('lrSchedule', (v) => v === null || typeof v === 'string')
  )
    return 'run';
  if (!isCount(m['epoch'])) return 'epoch';
  const p = m['position'];
  if (
    p !== null &&
    !(
      isObj(p) &&
      isCount(p['batch']) &&
      isNum(p['lossSum']) &&
      isNum(p['correct']) &&
      isNum(p['examples']) &&
      isNum(p['seconds'])
    )
  )
    return 'position';
  const loader = m['loader'];
  if (!isObj(loader) || !Array.isArray(loader['carry']) || !loader['carry'].every(isCount)) return 'loader';
  const g = loader['generator'];
  if (g !== null && !isGeneratorState(g)) return 'loader';
  const r = m['random'];
  if (r !== undefined && !isGeneratorState(r)) return 'random';
  const history = m['history'];
  if (
    !Array.isArray(history) ||
    history.length !== m['epoch'] ||
    !history.every((h) => isObj(h) && HISTORY_FIELDS.every((k) => isNum(h[k])))
  )
    return 'history';
  const t = m['trainer'];
  if (
    t !== null &&
    !(isObj(t) && typeof t['optimizer'] === 'string' && isNum(t['learningRate']) && Array.isArray(t['slots']))
  )
    return 'trainer';
  if (t !== null && !(t['numUpdate'] === undefined || isCount(t['numUpdate']))) return 'trainer';
  const sch = t === null ? null : t['scheduler'];
  if (!(sch === undefined || sch === null || (Array.isArray(sch) && sch.every((v) => isNum(v) && Number.isFinite(v)))))
    return 'trainer';
  if (
    t !== null &&
    !(t['slots'] as unknown[]).every(
      (s) => isObj(s) && typeof s['key'] === 'string' && isCount(s['updates']) && isCount(s['states']),
    )
  )
    return 'trainer';
  const id = m['runId'];
  if (id !== undefined && !(typeof id === 'string' && /^[0-9a-f]{1,64}$/.test(id))) return 'runId';
  return undefined;
}

/** A checkpoint from its bundle (read from `dir`), checked; a damaged or foreign one throws `ModelFormatError`. */
export function checkpointOf(
  dir: string,
  manifest: Manifest<CheckpointMeta>,
  arrays: ReadonlyMap<string, NamedArray>,
): Checkpoint {
  // Checked by the reader against the fields (decodeManifest): a checkpoint must have it, so an edit shows.
  if (typeof manifest.metaSha256 !== 'string')
    throw new ModelFormatError(
      dir,
      'the checkpoint has no digest of its fields (metaSha256): it was edited or not written by softmax',
    );
  const bad = badField(manifest as unknown as Record<string, unknown>);
  if (bad !== undefined) throw new ModelFormatError(dir, `the checkpoint's "${bad}" field is missing or malformed`);
  const params = new Map<string, NamedArray>();
  const states = new Map<string, NamedArray>();
  for (const [name, a] of arrays) {
    const [kind, key] = [name.slice(0, name.indexOf('/')), name.slice(name.indexOf('/') + 1)];
    if (kind === 'param') params.set(key, { ...a, name: key });
    else if (kind === 'state') states.set(key, { ...a, name: key });
    else throw new ModelFormatError(dir, `array ${quote(name)} is neither a parameter nor an optimizer state`);
  }
  return { dir, meta: manifest, params, states };
}

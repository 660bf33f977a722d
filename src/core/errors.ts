/**
 * Error classes. One base class (`SoftmaxError`); one subclass per failure a caller might handle,
 * each carrying its context in readonly fields. Exit codes are the CLI's business (src/cli/exit-codes.ts).
 */

export class SoftmaxError extends Error {
  override name = 'SoftmaxError';
}

/** A tensor's shape does not fit the operation. */
export class ShapeError extends SoftmaxError {
  override name = 'ShapeError';
}

/** A parameter's data was read before its shape was known (deferred initialization). */
export class DeferredInitializationError extends SoftmaxError {
  override name = 'DeferredInitializationError';
}

/** `Trainer.step` found a parameter whose gradient was not refreshed by `backward()` since the last step. */
export class StaleGradientError extends SoftmaxError {
  override name = 'StaleGradientError';
  constructor(readonly param: string) {
    super(
      `Gradient of Parameter '${param}' has not been updated by backward since the last step. ` +
        'This could mean a bug in your model that made it use only a subset of its Parameters for this ' +
        'iteration. If that is intended, call step with { ignoreStaleGrad: true } to skip the Parameters ' +
        'with stale gradients.',
    );
  }
}

/** A data file's digest does not match the pinned one. */
export class ChecksumError extends SoftmaxError {
  override name = 'ChecksumError';
  /** What was hashed, e.g. 'sha256 of the decompressed content' or 'md5 of the .gz archive'. */
  readonly algorithm: string;
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
    { algorithm = 'sha256 of the decompressed content' }: { algorithm?: string } = {},
  ) {
    super(
      `${file}: ${algorithm} is ${actual}, expected ${expected}. ` +
        "The file is corrupt or not the official one: replace it with a good copy ('softmax download --force', " +
        'or for Fashion-MNIST the Debian package dataset-fashion-mnist).',
    );
    this.algorithm = algorithm;
  }
}

/** A failure of one file or directory: `${path}: ${problem}`, both kept as fields. */
export abstract class FileProblemError extends SoftmaxError {
  constructor(
    readonly path: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${problem}`, options);
  }
}

/** A file is not a well-formed IDX file of the expected kind. */
export class IdxFormatError extends FileProblemError {
  override name = 'IdxFormatError';
}

/** A data set's files are not where they were looked for. */
export class DataNotFoundError extends SoftmaxError {
  override name = 'DataNotFoundError';
}

/** One source a download tried, and why it failed. */
export interface DownloadAttempt {
  readonly url: string;
  readonly reason: string;
}

/**
 * A data set could not be downloaded: every mirror failed for `file` (each listed with its reason), or
 * the target directory cannot be written (then `attempts` is empty: nothing was tried).
 */
export class DownloadError extends SoftmaxError {
  override name = 'DownloadError';
  constructor(
    message: string,
    readonly file: string,
    readonly attempts: readonly DownloadAttempt[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The requested compute backend cannot be loaded or initialized. */
export class BackendError extends SoftmaxError {
  override name = 'BackendError';
  constructor(
    readonly backend: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Training produced a non-finite loss (or parameter); `batch` (1-based) is set when known. */
export class DivergenceError extends SoftmaxError {
  override name = 'DivergenceError';
  constructor(
    readonly epoch: number,
    readonly value: number,
    readonly batch?: number,
    readonly what = 'the loss',
  ) {
    super(
      `Training diverged in epoch ${epoch}${batch === undefined ? '' : `, batch ${batch}`}: ${what} is ${value}. ` +
        'Use a smaller learning rate (learningRate).',
    );
  }
}

/** A checkpoint directory holds nothing to resume from, or a checkpoint of an incompatible run. */
export class CheckpointError extends FileProblemError {
  override name = 'CheckpointError';
}

/** A directory is in use by another live process: its lock file (`lockFile`) names the owner. */
export class DirectoryLockedError extends SoftmaxError {
  override name = 'DirectoryLockedError';
  constructor(
    readonly path: string,
    readonly lockFile: string,
    readonly ownerPid: number,
  ) {
    super(
      `${path} is in use by another softmax run (pid ${ownerPid}). Wait for it to finish or use another ` +
        `directory; if no such process is running, delete ${lockFile}.`,
    );
  }
}

/** Training stopped on a signal after writing a checkpoint; the message says where and how to resume. */
export class InterruptedError extends SoftmaxError {
  override name = 'InterruptedError';
  constructor(
    readonly signal: 'SIGINT' | 'SIGTERM',
    readonly checkpoint: string,
    readonly resumeCommand: string,
    where: string,
  ) {
    super(`${signal}: stopped ${where}; checkpoint written to ${checkpoint}. Resume with: ${resumeCommand}`);
  }
}

/**
 * A signal stopped a command before it had anything to save (while loading or downloading data): the
 * files it was writing are removed or kept only under a name the next run resumes.
 */
export class StoppedError extends SoftmaxError {
  override name = 'StoppedError';
  constructor(
    readonly signal: 'SIGINT' | 'SIGTERM',
    where: string,
  ) {
    super(`${signal}: stopped ${where}.`);
  }

  /** The error for an `AbortSignal` aborted with reason 'SIGINT' or 'SIGTERM' (as the CLI's trap does). */
  static of(signal: AbortSignal, where: string): StoppedError {
    return new StoppedError(signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT', where);
  }
}

/** A saved model or trainer-state directory is missing, truncated, corrupt, or not one of ours. */
export class ModelFormatError extends FileProblemError {
  override name = 'ModelFormatError';
}

/** Saved parameters do not fit the network: each entry of `problems` names one key and what differs. */
export class ModelMismatchError extends SoftmaxError {
  override name = 'ModelMismatchError';
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(`${path} does not fit this network: ${problems.join('; ')}.`);
  }
}

/** An image file that is not a decodable image (PNG, JPEG, WebP, GIF, TIFF, AVIF or SVG). */
export class ImageFormatError extends FileProblemError {
  override name = 'ImageFormatError';
}

/** An output file or directory cannot be created or written (permissions, a file in the way, a full disk). */
export class OutputError extends SoftmaxError {
  override name = 'OutputError';
  constructor(
    readonly path: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot write ${path}: ${problem}. Choose another location or fix its permissions.`, options);
  }
}

/** A data set or data iterator with no examples where a step or a figure needs some. */
export class EmptyDataError extends SoftmaxError {
  override name = 'EmptyDataError';
}

/** An object (a Trainer, a recording) used after its `dispose()`. */
export class DisposedError extends SoftmaxError {
  override name = 'DisposedError';
}

/** Invalid options given to the library or the command line. */
export class ConfigError extends SoftmaxError {
  override name = 'ConfigError';
}

/**
 * Throws `ErrorClass(message())` unless `condition` holds. The message is built lazily, as in
 * tfjs-core's `util.assert`, so validation in hot paths costs nothing when it passes.
 */
export function assert(
  condition: unknown,
  message: () => string,
  ErrorClass: new (msg: string) => SoftmaxError = ConfigError,
): asserts condition {
  if (!condition) throw new ErrorClass(message());
}

/**
 * The exit codes of the `softmax` command, by kind of failure, so a script can tell a usage mistake
 * from a data problem from a stopped run. The library's error classes know nothing of them: this
 * table maps each class to its code.
 */
import {
  BackendError,
  CheckpointError,
  ChecksumError,
  ConfigError,
  DataNotFoundError,
  DirectoryLockedError,
  DivergenceError,
  DownloadError,
  EmptyDataError,
  IdxFormatError,
  ImageFormatError,
  InterruptedError,
  ModelFormatError,
  ModelMismatchError,
  OutputError,
  StoppedError,
} from '../core/errors.js';
import type { SoftmaxError } from '../core/errors.js';

export const ExitCode = {
  /** Bad flags, bad configuration, a backend that cannot load: fix the command line. */
  usage: 2,
  /** A data file that is missing, corrupt or malformed: fix or replace the data. */
  data: 3,
  /** A programming-level misuse of the API (shapes, deferred init, stale gradients). */
  api: 4,
  /** Training diverged (a loss or parameter became NaN or infinite). */
  diverged: 5,
  /** A data set could not be downloaded from any source (network, server, or content problem). */
  download: 6,
  /** A saved model (or trainer state) that is missing, truncated, corrupt or not a model at all. */
  model: 7,
  /** A saved model whose parameters (names, shapes) do not fit the network it is loaded into. */
  mismatch: 8,
  /** An input image that cannot be decoded. */
  image: 9,
  /** An output file or directory that cannot be written. */
  output: 10,
  /** No usable checkpoint to resume from, or one written by an incompatible run. */
  checkpoint: 11,
  /** The checkpoint or run directory is in use by another run (its lock file names the pid). */
  locked: 12,
  /**
   * Stopped by SIGINT (Ctrl+C): training after writing a checkpoint, or loading or downloading data
   * before anything was written. 128 + 2, as shells report it.
   */
  sigint: 130,
  /** Stopped by SIGTERM, likewise: 128 + 15. */
  sigterm: 143,
  /** Standard output was closed by its reader (`| head -1`): stopped quietly, 128 + SIGPIPE (13). */
  stdoutClosed: 141,
} as const;

type ErrorClass = abstract new (...args: never[]) => SoftmaxError;

/** Most specific first: the first class an error is an instance of decides its code. */
const TABLE: readonly (readonly [ErrorClass, number])[] = [
  [ConfigError, ExitCode.usage],
  [BackendError, ExitCode.usage],
  [ChecksumError, ExitCode.data],
  [IdxFormatError, ExitCode.data],
  [DataNotFoundError, ExitCode.data],
  [EmptyDataError, ExitCode.data],
  [DivergenceError, ExitCode.diverged],
  [DownloadError, ExitCode.download],
  [ModelFormatError, ExitCode.model],
  [ModelMismatchError, ExitCode.mismatch],
  [ImageFormatError, ExitCode.image],
  [OutputError, ExitCode.output],
  [CheckpointError, ExitCode.checkpoint],
  [DirectoryLockedError, ExitCode.locked],
];

/** The exit code a `SoftmaxError` ends the command with (API misuse when no row names its class). */
export function exitCodeOf(err: SoftmaxError): number {
  if (err instanceof InterruptedError || err instanceof StoppedError)
    return err.signal === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm;
  return TABLE.find(([ErrorClass]) => err instanceof ErrorClass)?.[1] ?? ExitCode.api;
}

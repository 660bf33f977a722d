/**
 * `softmax download`, as a function: where to put the files, then `downloadDataset` with a progress bar
 * on a terminal. Loads no TensorFlow.js. The CLI handler lazy-imports it; tests call it with fakes.
 */
import { SingleBar } from 'cli-progress';
import { datasetInfo } from '../../core/data/datasets.js';
import type { DatasetInfo, DatasetName } from '../../core/data/datasets.js';
import { downloadDataset, mirrorsFrom } from '../../node/data/download.js';
import type { DownloadOptions, FileReport, ProgressSink } from '../../node/data/download.js';
import { envDataDir, userCacheDir } from '../../node/data/store.js';
import type { Logger } from '../../core/logger.js';

export interface DownloadArgs {
  dataset: DatasetName;
  /** Target directory; default `SOFTMAX_DATA_DIR`, else the user cache (where `train` looks). */
  dir?: string | undefined;
  /** Replace the table's mirrors (default `SOFTMAX_MIRROR`, comma-separated, else the table's). */
  mirror?: string[] | undefined;
  force?: boolean;
}

export interface DownloadDeps {
  logger: Logger;
  /** Human lines: what is done and where (default stderr; the summary line goes to `print`). */
  notice?: (line: string) => void;
  /** The closing summary (default stdout). */
  print?: (line: string) => void;
  /** Progress of each file; default a bar on stderr when it is a TTY, else none. */
  progress?: ProgressSink | undefined;
  env?: NodeJS.ProcessEnv;
  /** Aborted (reason 'SIGINT' or 'SIGTERM') to stop the download at once (`StoppedError`). */
  signal?: AbortSignal | undefined;
  /** Replaces `datasetInfo(args.dataset)` (tests serve small fake files). */
  table?: DatasetInfo;
  /** Timeouts and retry delays for the downloader (tests make them small). */
  network?: Pick<
    DownloadOptions,
    'connectTimeoutMs' | 'idleTimeoutMs' | 'maxRedirects' | 'retryDelaysMs' | 'minBytesPerSecond' | 'rateWindowMs'
  >;
}

const MB = 1024 * 1024;

/** A cli-progress bar on stderr: file, bytes, rate and ETA. */
export function terminalProgress(): ProgressSink {
  let bar: SingleBar | undefined;
  let startedAt = 0;
  let done = 0;
  let first = 0;
  const payload = () => {
    const seconds = (performance.now() - startedAt) / 1000;
    return { mb: (done / MB).toFixed(1), rate: seconds > 0 ? ((done - first) / MB / seconds).toFixed(1) : '0.0' };
  };
  return {
    start(file, total, offset) {
      bar?.stop();
      startedAt = performance.now();
      done = first = offset;
      const size = total === undefined ? '?' : (total / MB).toFixed(1);
      bar = new SingleBar({
        format: `${file} [{bar}] {percentage}% | {mb}/${size} MB | {rate} MB/s | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: false,
      });
      bar.start(total ?? 0, offset, payload());
    },
    advance(bytes) {
      done += bytes;
      bar?.update(done, payload());
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** Downloads (or confirms) the four files of `args.dataset`; returns what was done per file. */
export async function runDownload(args: DownloadArgs, deps: DownloadDeps): Promise<FileReport[]> {
  const { logger, env = process.env } = deps;
  const notice = deps.notice ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const print = deps.print ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const info = deps.table ?? datasetInfo(args.dataset);
  const dir = args.dir ?? envDataDir(env) ?? userCacheDir(info.name, env);
  const mirrors = mirrorsFrom(args.mirror, env) ?? info.mirrors;
  const bar = 'progress' in deps ? deps.progress : process.stderr.isTTY ? terminalProgress() : undefined;
  notice(`${info.title}: checking ${dir}; missing files come from ${mirrors.join(', ')}`);
  const files = await downloadDataset(info, {
    ...deps.network,
    signal: deps.signal,
    dir,
    mirrors,
    force: args.force ?? false,
    logger,
    progress: {
      start: (file, total, offset) => {
        notice(`downloading ${file}${offset > 0 ? ` (resuming at byte ${offset})` : ''}`);
        bar?.start(file, total, offset);
      },
      advance: (bytes) => bar?.advance(bytes),
      stop: () => bar?.stop(),
    },
  });
  const fetched = files.filter((f) => f.status === 'downloaded').length;
  logger.info({ dataset: info.name, dir, files }, 'data set ready');
  print(
    `${info.title} is ready in ${dir}: ${fetched} file${fetched === 1 ? '' : 's'} downloaded, ` +
      `${files.length - fetched} already present, all verified`,
  );
  return files;
}

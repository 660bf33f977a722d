/**
 * Keras-style progress on a terminal: one bar per epoch (batches done, examples/s, running loss and
 * accuracy, ETA), erased when the epoch ends so the book's epoch line takes its place. Only for a TTY:
 * `softmax train` turns it off when stdout is not a terminal, with --quiet, and with --json. It is
 * drawn after a batch (at most ten times a second), never by a timer, and fitted to the terminal's
 * width: a narrow terminal loses the bar's graphic and the speed before it loses the figures.
 */
import type { BatchProgress } from '../../core/d2l/train.js';
import type { Callback } from '../../core/fit/callbacks.js';
import type { TerminalStream } from '../terminal.js';
import { StatusLine } from '../terminal.js';

export interface ProgressOptions {
  epochs: number;
  /** Batches per epoch (the bar's total). */
  batches: number;
  /** Where the bar is drawn; a TTY stream (default process.stdout). */
  stream?: TerminalStream;
  /** The clock, in milliseconds (tests pass their own). */
  now?: () => number;
}

/** What one frame of the bar shows. */
export interface Frame {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  acc: number;
  /** Examples per second so far this epoch; undefined until measurable. */
  speed?: number | undefined;
  /** Seconds left in this epoch; undefined until measurable. */
  eta?: number | undefined;
}

function formatSeconds(s: number): string {
  const r = Math.max(0, Math.round(s));
  return r < 60 ? `${r}s` : `${Math.floor(r / 60)}m${String(r % 60).padStart(2, '0')}s`;
}

/**
 * One line of the bar at most `width` characters long. The parts that do not fit are left out, the
 * least useful first: the speed, then the graphic, then the ETA; the figures stay. Narrower than its
 * shortest layout, it gives that one (the status line cuts it).
 */
export function formatFrame(f: Frame, width: number): string {
  const head = `epoch ${f.epoch}/${f.epochs}`;
  const count = `${f.batch}/${f.batches}`;
  const figures = `loss ${f.loss.toFixed(4)}, train acc ${f.acc.toFixed(3)}`;
  // Under half a second left with batches still to go is '<1s': '0s' would say the epoch is over.
  const left = f.eta === undefined ? '…' : f.eta < 0.5 && f.batch < f.batches ? '<1s' : formatSeconds(f.eta);
  const eta = `ETA ${left}`;
  const speed = f.speed === undefined ? undefined : `${Math.round(f.speed).toLocaleString('en-US')} ex/s`;
  const graphic = (size: number): string => {
    const done = Math.min(size, Math.round((size * f.batch) / Math.max(1, f.batches)));
    return `[${'='.repeat(done)}${'-'.repeat(size - done)}]`;
  };
  const join = (parts: (string | undefined)[]): string => parts.filter((x) => x !== undefined).join(' | ');
  const layouts: [boolean, string][] = [
    [true, join([`${count} batches`, speed, figures, eta])],
    [true, join([count, figures, eta])],
    [false, join([count, figures, eta])],
    [false, join([count, figures])],
  ];
  for (const [withGraphic, rest] of layouts) {
    if (!withGraphic) {
      if (head.length + 1 + rest.length <= width) return `${head} ${rest}`;
      continue;
    }
    // `head [====----] rest`: the graphic takes what is left, from 10 to 30 columns.
    const size = Math.min(30, width - head.length - rest.length - 4);
    if (size >= 10) return `${head} ${graphic(size)} ${rest}`;
  }
  return `${head} ${count} | ${figures}`;
}

/** The bar for `softmax train`, as a fit callback; `clear` before printing a line. */
export class EpochProgress implements Callback {
  private readonly line: StatusLine;
  private readonly now: () => number;
  /** When and at which batch this epoch's measurement started (its first batch seen). */
  private since: { epoch: number; time: number; batch: number; examples: number } | undefined;
  private lastDraw = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: ProgressOptions) {
    this.line = new StatusLine(options.stream ?? process.stdout);
    this.now = options.now ?? (() => performance.now());
  }

  /** Redraws after a batch (at most every 100 ms, and always on an epoch's first and last batch). */
  onBatchEnd(p: BatchProgress): void {
    const now = this.now();
    if (this.since?.epoch !== p.epoch) {
      // The first batch of an epoch (or of a resumed run) only starts the measurement: speed and ETA
      // need a second point, so the first frame says "…" rather than a made-up 0s.
      this.since = { epoch: p.epoch, time: now, batch: p.batch, examples: p.examples };
    } else if (now - this.lastDraw < 100 && p.batch < this.options.batches) {
      return;
    }
    this.lastDraw = now;
    const seconds = (now - this.since.time) / 1000;
    const batchesDone = p.batch - this.since.batch;
    const measurable = batchesDone > 0 && seconds > 0;
    this.line.draw(
      formatFrame(
        {
          epoch: p.epoch,
          epochs: this.options.epochs,
          batch: p.batch,
          batches: this.options.batches,
          loss: p.lossSum / p.examples,
          acc: p.correct / p.examples,
          speed: measurable ? (p.examples - this.since.examples) / seconds : undefined,
          eta: measurable ? ((this.options.batches - p.batch) * seconds) / batchesDone : undefined,
        },
        this.line.width,
      ),
    );
  }

  onTrainEnd(): void {
    this.clear();
  }

  /** Erases the bar (if drawn), leaving the cursor at the start of an empty line. */
  clear(): void {
    this.line.clear();
  }
}

/** Says what a long step is doing, on the terminal only, and erases the note when it is done. */
export async function withStatus<T>(
  stream: TerminalStream | undefined,
  message: string,
  work: () => Promise<T>,
): Promise<T> {
  if (stream === undefined) return work();
  const line = new StatusLine(stream);
  line.draw(`${message}…`);
  try {
    return await work();
  } finally {
    line.clear();
  }
}

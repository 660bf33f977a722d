/**
 * One status line at the bottom of a terminal (a progress bar, "loading…"), drawn without timers and
 * cut to the terminal's width, so nothing it does can keep the process alive, wrap, or be left
 * half-drawn. The cursor is hidden while a line is shown and shown again when it is erased, when a
 * note is printed above it, and on every way out of the process (exit, a fatal signal re-raised by
 * `signals.ts`).
 */

const SHOW_CURSOR = '\x1b[?25h';
const HIDE_CURSOR = '\x1b[?25l';
const ERASE_LINE = '\r\x1b[2K';

/** What a status line needs of a stream (a TTY `WriteStream` has it). */
export interface TerminalStream {
  write(text: string): boolean;
  columns?: number | undefined;
}

/** `text` cut to `width` characters (code points), with an ellipsis when it was cut. */
export function fitWidth(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  return width <= 0 ? '' : `${chars.slice(0, width - 1).join('')}…`;
}

/** The status lines on screen now: erased before a note is printed and when the process ends. */
const shown = new Set<StatusLine>();
let exitHookInstalled = false;

/** Erases every status line and shows the cursor: the terminal as it was. Safe to call any time. */
export function restoreTerminal(): void {
  for (const line of [...shown]) line.clear();
}

export class StatusLine {
  private text: string | undefined;

  constructor(private readonly stream: TerminalStream) {}

  /**
   * The width a line may use: three columns short of the terminal's, so neither the cursor nor the
   * terminal's echo of a Ctrl+C (`^C`) wraps it onto a line the next erase would miss.
   */
  get width(): number {
    return Math.max(10, (this.stream.columns ?? 80) - 3);
  }

  /** Replaces the line (cut to the width). */
  draw(text: string): void {
    const fitted = fitWidth(text, this.width);
    if (this.text === undefined) {
      this.stream.write(HIDE_CURSOR);
      shown.add(this);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once('exit', restoreTerminal);
      }
    }
    this.text = fitted;
    this.stream.write(`${ERASE_LINE}${fitted}`);
  }

  /** Erases the line and shows the cursor again (a no-op when nothing is drawn). */
  clear(): void {
    if (this.text === undefined) return;
    this.text = undefined;
    shown.delete(this);
    this.stream.write(`${ERASE_LINE}${SHOW_CURSOR}`);
  }
}

/** Prints a note on `write` with every status line erased first (they are drawn again at their next update). */
export function printAbove(line: string, write: (text: string) => void): void {
  restoreTerminal();
  write(`${line}\n`);
}

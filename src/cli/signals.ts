/**
 * SIGINT / SIGTERM during `softmax train`: the first one aborts an `AbortSignal` the training loop
 * checks after every batch (it then writes a checkpoint and stops with exit code 130 / 143); a second
 * one restores the default action and re-raises, ending the process at once. Atomic writes mean even
 * that leaves no partial checkpoint in place. Only the CLI installs handlers; the library just reads
 * the signal.
 */
import { restoreTerminal } from './terminal.js';

export interface SignalTrap {
  readonly signal: AbortSignal;
  /** Removes the handlers (call when training is over). */
  release(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Traps SIGINT and SIGTERM; the first one prints `SIGNAL: <action>` through `notice` and aborts the
 * trap's signal. `action` says what the command does then (training: finish the batch, checkpoint).
 */
export function trapSignals(
  notice: (line: string) => void,
  action = 'finishing the current batch and writing a checkpoint',
): SignalTrap {
  const controller = new AbortController();
  const release = (): void => {
    for (const s of SIGNALS) process.off(s, onSignal);
  };
  function onSignal(sig: NodeJS.Signals): void {
    if (controller.signal.aborted) {
      release();
      restoreTerminal(); // the default action ends the process without running 'exit' handlers
      process.kill(process.pid, sig);
      return;
    }
    notice(`${sig}: ${action}; press Ctrl+C again to stop at once`);
    controller.abort(sig);
  }
  for (const s of SIGNALS) process.on(s, onSignal);
  return { signal: controller.signal, release };
}

#!/usr/bin/env node
/**
 * The `softmax` command. Handlers never exit the process: `main` sets the exit code, prints a
 * SoftmaxError or a usage mistake as one line (no stack trace), and lets anything else crash loudly.
 */
import yargs from 'yargs';
import { ConfigError, SoftmaxError } from '../core/errors.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { rejectRepeatedFlags } from './options.js';
import { forCommandLine } from './messages.js';
import { downloadCommand } from './download/command.js';
import { evaluateCommand } from './evaluate/command.js';
import { predictCommand } from './predict/command.js';
import { showCommand } from './show/command.js';
import { trainCommand } from './train/command.js';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** The yargs parser with every command; exported so tests can parse in-process. */
export function buildParser(argv: string[]) {
  return yargs(argv)
    .scriptName('softmax')
    .usage('$0 <command> [options]\n\nSoftmax regression on Fashion-MNIST, the way Dive into Deep Learning teaches it.')
    .command(trainCommand)
    .command(downloadCommand)
    .command(evaluateCommand)
    .command(predictCommand)
    .command(showCommand)
    .demandCommand(1, "Say which command to run, e.g. 'softmax train'.")
    .strict()
    .recommendCommands()
    .example('$0 train', 'train the concise (Gluon-style) model for 5 epochs')
    .example('$0 train --impl scratch --epochs 10 --seed 0', 'the from-scratch model, repeatable')
    .example('$0 train --out runs/demo', 'write metrics, curves and the model to runs/demo')
    .example('$0 evaluate --model runs/demo', 'test accuracy, per-class accuracy and confusion matrix')
    .example(
      '$0 predict --model runs/demo --image shirt.png',
      'classify your own picture (PNG, JPEG, WebP, GIF, TIFF, AVIF)',
    )
    .example('$0 show --n 18', "training images with their labels (d2l's show_fashion_mnist)")
    .example('$0 download --dataset mnist', 'fetch and verify MNIST into the user cache')
    .epilogue(
      'Exit codes: 0 ok, 2 bad usage or backend, 3 data problem, 4 API misuse, 5 training diverged, ' +
        '6 download failed, 7 bad model file, 8 model does not fit, 9 bad image, 10 output not writable, ' +
        '11 no usable checkpoint, 130 / 143 stopped by SIGINT / SIGTERM, 141 standard output closed.',
    )
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((message, err) => {
      // Validation failures (message) and errors thrown by coerce/check/handlers (err) both land here.
      if (err instanceof SoftmaxError) throw err;
      if (err === undefined || err === null || err.name === 'YError')
        throw new ConfigError((message ?? err?.message ?? 'Invalid usage.').replace(/\s*\n\s*/g, ' '));
      throw err;
    })
    .exitProcess(false);
}

/** Runs the CLI on `argv` (without node and script); resolves to the process exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const parser = buildParser(argv);
  try {
    rejectRepeatedFlags(argv);
    await parser.parseAsync();
    return 0;
  } catch (err) {
    if (err instanceof SoftmaxError) {
      io.stderr(`softmax: ${forCommandLine(err.message)}\n`);
      const code = exitCodeOf(err);
      if (code === ExitCode.usage) io.stderr("Run 'softmax --help' for usage.\n");
      return code;
    }
    throw err;
  }
}

/**
 * A failed write to standard output ends the command here, not as an uncaught 'error' event: a reader
 * that quit (`| head -1`, EPIPE) ends it quietly with 141 (128 + SIGPIPE, as a shell reports a
 * command killed by SIGPIPE); any other failure (`> /dev/full`) with one line and exit 10.
 */
function exitOnStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE') process.exit(ExitCode.stdoutClosed);
  const reason = err.code === 'ENOSPC' ? 'no space left on the device' : (err.code ?? err.message);
  process.stderr.write(`softmax: cannot write to standard output: ${reason}.\n`);
  process.exit(ExitCode.output);
}

if (require.main === module) {
  process.stdout.on('error', exitOnStdoutError);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // The command is over: a handle left open by a dependency must not keep the process (and the
      // terminal) hanging. Unreferenced, this timer never delays a process that ends on its own.
      setTimeout(() => process.exit(code), 1000).unref();
    },
    (err: unknown) => {
      process.exitCode = 1;
      throw err;
    },
  );
}

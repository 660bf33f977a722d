import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { main } from '../../src/cli/main.js';
import { trainCommand } from '../../src/cli/train/command.js';
import type { TrainArgs } from '../../src/cli/train/run.js';
import { tempDir } from '../helpers.js';

// The handler lazy-imports the implementation; replace it so parsing is tested without training.
const runTrain = jest.fn<Promise<void>, [TrainArgs, unknown]>(async () => {});
jest.mock('../../src/cli/train/run.js', () => ({ runTrain: (...a: [TrainArgs, unknown]) => runTrain(...a) }));

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

function captured(argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  return main(argv, { stdout: () => {}, stderr: (t) => void (err += t) }).then((code) => ({ code, err }));
}

beforeEach(() => runTrain.mockClear());

describe('softmax train: parsing', () => {
  it('passes the textbook defaults to runTrain', async () => {
    await yargs().command(trainCommand).parseAsync(['train', '--log-level', 'silent']);
    expect(runTrain).toHaveBeenCalledTimes(1);
    expect(runTrain.mock.calls[0]?.[0]).toEqual({
      impl: 'concise',
      // The chapter's epochs and lr (5 and 0.1 for softmax regression) are the run's to decide, after a
      // resumed checkpoint says which model it is: not given, they stay undefined here.
      epochs: undefined,
      batchSize: 256,
      lr: undefined,
      seed: 0,
      backend: 'auto',
      dataDir: undefined,
      dataset: 'fashion-mnist',
      checkLeaks: false,
      out: expect.stringMatching(/^runs\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d$/),
      freshOut: true, // the default run directory is made new (a suffix when the second is taken)
      json: false,
      keep: 3,
      given: [], // with --resume, the checkpoint's options then count
    });
  });

  it('parses every flag', async () => {
    const dir = tempDir();
    const argv = ['train', '--impl', 'scratch', '--epochs', '3', '--batch-size', '64', '--lr', '0.5', '--seed', '7'];
    const { code } = await captured([
      ...argv,
      '--backend',
      'cpu',
      '--data-dir',
      dir,
      '--dataset',
      'mnist',
      '--log-level',
      'silent',
      '--check-leaks',
      '--out',
      'runs/x',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(runTrain.mock.calls[0]?.[0]).toEqual({
      impl: 'scratch',
      epochs: 3,
      batchSize: 64,
      lr: 0.5,
      seed: 7,
      backend: 'cpu',
      dataDir: dir,
      dataset: 'mnist',
      checkLeaks: true,
      out: 'runs/x',
      freshOut: false,
      json: true,
      keep: 3,
      given: ['impl', 'batchSize', 'lr', 'seed', 'dataset'],
    });
  });
});

describe('softmax train --mirror', () => {
  it('is accepted (repeatable) and reaches runTrain', async () => {
    const { code } = await captured([
      'train',
      '--mirror',
      'http://127.0.0.1:9/a/',
      '--mirror',
      'http://127.0.0.1:9/b/',
    ]);
    expect(code).toBe(0);
    expect(runTrain.mock.calls[0]?.[0].mirror).toEqual(['http://127.0.0.1:9/a/', 'http://127.0.0.1:9/b/']);
  });
});

describe('softmax train: bad flags give one line, exit code 2, no stack', () => {
  const cases: [string[], RegExp][] = [
    [['--epochs', 'abc'], /--epochs must be a positive integer, but got 'abc'/],
    [['--epochs', '0'], /--epochs must be a positive integer, but got '0'/],
    [['--epochs', '1.5'], /--epochs must be a positive integer, but got '1.5'/],
    [['--batch-size', '0'], /--batch-size must be a positive integer, but got '0'/],
    [['--lr', '0'], /--lr must be a positive finite number, but got '0'/],
    [['--lr', '-1'], /--lr must be a positive finite number, but got '-1'/],
    [['--lr', 'Infinity'], /--lr must be a positive finite number, but got 'Infinity'/],
    [['--lr', 'fast'], /--lr must be a positive finite number, but got 'fast'/],
    [['--seed', '-3'], /--seed must be a non-negative integer, but got '-3'/],
    [['--impl', 'keras'], /Invalid values:[\s\S]*impl[\s\S]*"keras"[\s\S]*concise/],
    [['--backend', 'gpu'], /Invalid values:[\s\S]*backend[\s\S]*"gpu"[\s\S]*wasm/],
    [['--data-dir', '/no/such/dir'], /--data-dir '\/no\/such\/dir' is not a directory/],
    [['--dataset', 'cifar'], /Invalid values:[\s\S]*dataset[\s\S]*"cifar"[\s\S]*mnist/],
    [['--epoch', '3'], /Unknown argument: epoch/],
  ];
  it.each(cases)('train %p', async (flags, message) => {
    const { code, err } = await captured(['train', ...flags]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err).toMatch(/Run 'softmax --help' for usage/);
    expect(err).not.toMatch(/\n\s+at /);
    expect(runTrain).not.toHaveBeenCalled();
  });

  it('no command', async () => {
    const { code, err } = await captured([]);
    expect(code).toBe(2);
    expect(err).toMatch(/Say which command to run/);
  });
});

describe('the softmax executable', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });

  it('is executable, so npx softmax and the bin link can run it', () => {
    // npm test rebuilds dist/; tsc writes files without the execute bit, so the build sets it.
    expect(statSync(CLI).mode & 0o111).toBe(0o111);
    const r = spawnSync('npx', ['--offline', 'softmax', '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help and train --help answer without loading TensorFlow.js', () => {
    const probe = spawnSync(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(CLI)}).main(['train', '--help']).then((c) => {
           const tf = Object.keys(require.cache).filter((k) => k.includes('@tensorflow'));
           console.error('exit', c, 'tensorflow modules', tf.length);
         });`,
      ],
      { encoding: 'utf8' },
    );
    expect(probe.stdout).toMatch(/--batch-size/);
    expect(probe.stdout).toMatch(/--backend/);
    expect(probe.stderr).toMatch(/exit 0 tensorflow modules 0/);
    const top = run(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/softmax train/);
  });

  it('an unavailable backend is one line naming the cause and the alternatives, exit 2', () => {
    const r = run(['train', '--backend', 'tensorflow', '--log-level', 'silent']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^softmax: Backend 'tensorflow' cannot be used: .*@tensorflow\/tfjs-node.*auto, blas, wasm, cpu/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("the Node entry's provider list and the CLI choices name the same backends", async () => {
    await import('../../src/node/setup.js');
    const { backendNames } = await import('../../src/core/backend/registry.js');
    const { BACKEND_CHOICES } = await import('../../src/cli/options.js');
    expect(['auto', ...backendNames()]).toEqual([...BACKEND_CHOICES]);
  });

  it('a data directory without the data set is a data error, exit 3', () => {
    const dir = tempDir();
    const r = run(['train', '--backend', 'cpu', '--data-dir', dir, '--log-level', 'silent']);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(dir);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

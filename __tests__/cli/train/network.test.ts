/** `softmax train`'s network flags: each chapter's defaults, refused combinations, --lr-schedule parsing. */
import yargs from 'yargs';
import { ConfigError } from '../../../src/core/errors.js';
import type { CosineScheduler, MultiFactorScheduler, PolyScheduler } from '../../../src/core/trainer/lr-scheduler.js';
import { FactorScheduler } from '../../../src/core/trainer/lr-scheduler.js';
import { trainCommand } from '../../../src/cli/train/command.js';
import { lrSchedulerOf } from '../../../src/cli/train/lr-schedule.js';
import { buildModel } from '../../../src/cli/train/model.js';
import { networkOfRun } from '../../../src/cli/train/run-network.js';
import { describeNetwork, resolveNetwork } from '../../../src/cli/train/network.js';
import { expectError } from '../../helpers.js';

describe('resolveNetwork: the book chapter defaults', () => {
  it('softmax regression: lr 0.1, 5 epochs, no hidden layer, plain sgd', () => {
    expect(resolveNetwork({ impl: 'concise' })).toEqual({
      impl: 'concise',
      model: 'softmax',
      hidden: [],
      dropout: [],
      activation: 'relu',
      optimizer: 'sgd',
      lr: 0.1,
      momentum: 0,
      wd: 0,
      lrSchedule: null,
      epochs: 5,
    });
  });

  it('mlp: one hidden layer of 256 with relu, lr 0.1, 10 epochs (D2L 4.2-4.3)', () => {
    const n = resolveNetwork({ impl: 'scratch', model: 'mlp' });
    expect([n.hidden, n.lr, n.epochs, n.activation]).toEqual([[256], 0.1, 10, 'relu']);
    expect(describeNetwork(n)).toBe('MLP 256 relu');
  });

  it('mlp with --dropout 0.2,0.5: two hidden layers of 256 and lr 0.5 (D2L 4.6); adam defaults to lr 0.001', () => {
    const n = resolveNetwork({ impl: 'concise', model: 'mlp', dropout: [0.2, 0.5] });
    expect([n.hidden, n.lr, n.epochs]).toEqual([[256, 256], 0.5, 10]);
    expect(describeNetwork(n)).toBe('MLP 256,256 relu, dropout 0.2,0.5');
    expect(resolveNetwork({ impl: 'concise', optimizer: 'adam' }).lr).toBe(0.001);
    expect(resolveNetwork({ impl: 'concise', model: 'mlp', lr: 0.3, epochs: 2 })).toMatchObject({ lr: 0.3, epochs: 2 });
  });

  it.each([
    [{ impl: 'concise', hidden: [10] }, /--hidden applies to --model mlp/],
    [{ impl: 'concise', dropout: [0.5] }, /--dropout applies to --model mlp/],
    [{ impl: 'concise', model: 'mlp', hidden: [64], dropout: [0.2, 0.5] }, /2 rates but there are 1 hidden layers/],
    [{ impl: 'scratch', optimizer: 'adam' }, /--optimizer need --impl concise/],
    [{ impl: 'scratch', wd: 0.1, lrSchedule: 'cosine' }, /--wd, --lr-schedule need --impl concise/],
    [{ impl: 'concise', optimizer: 'adam', momentum: 0.9 }, /--momentum applies to --optimizer sgd/],
  ] as const)('refuses %j', (flags, message) => {
    expectError(() => resolveNetwork(flags as never), ConfigError, message);
  });
});

describe('the command line', () => {
  const parse = (argv: string[]) =>
    yargs()
      .command({ ...trainCommand, handler: () => undefined })
      .exitProcess(false)
      .strict()
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      })
      .parseAsync(['train', ...argv]);

  it('parses the network flags into lists and numbers', async () => {
    const a = await parse([
      '--model',
      'mlp',
      '--hidden',
      '128,64',
      '--dropout',
      '0.1, 0.3',
      '--wd',
      '1e-4',
      '--momentum',
      '0.9',
    ]);
    expect([a['hidden'], a['dropout'], a['wd'], a['momentum']]).toEqual([[128, 64], [0.1, 0.3], 1e-4, 0.9]);
  });

  it.each([
    [['--hidden', '12,x'], /--hidden must be a comma-separated list of layer sizes.*'12,x'/],
    [['--model', 'mlp', '--dropout', '1'], /--dropout must be .*rates in \[0, 1\).*'1'/],
    [['--momentum', '1.5'], /--momentum must be a number in \[0, 1\), but got '1.5'/],
    [['--lr-schedule', 'linear'], /unknown schedule 'linear'/],
    [['--lr-schedule', 'factor'], /factor needs step=EPOCHS/],
    [['--lr-schedule', 'cosine,pwr=2'], /'pwr' does not apply to cosine/],
    [['--dropout', '0.5'], /--dropout applies to --model mlp/],
  ])('refuses %j in one line', async (argv, message) => {
    await expect((async () => parse(argv))()).rejects.toThrow(message);
  });
});

describe('lrSchedulerOf: steps in epochs, converted to updates', () => {
  const run = { lr: 0.4, epochs: 10, batches: 100 };
  it('builds each schedule from the run', () => {
    const f = lrSchedulerOf('factor,step=2,factor=0.5', run) as FactorScheduler;
    expect(f).toBeInstanceOf(FactorScheduler);
    expect([f.step, f.factor, f.baseLr]).toEqual([200, 0.5, 0.4]);
    const m = lrSchedulerOf('multifactor,steps=3/6', run) as MultiFactorScheduler;
    expect([m.step, m.factor]).toEqual([[300, 600], 0.1]);
    const p = lrSchedulerOf('poly,pwr=1,final=0.01', run) as PolyScheduler;
    expect([p.maxUpdate, p.pwr, p.finalLr]).toEqual([1000, 1, 0.01]);
    const c = lrSchedulerOf('cosine,warmup=1,warmup-begin=0.1', run) as CosineScheduler;
    expect([c.maxUpdate, c.warmupSteps, c.warmupBeginLr, c.baseLrOrig]).toEqual([1000, 100, 0.1, 0.4]);
  });

  it('refuses bad values with the flag in the message', () => {
    expectError(
      () => lrSchedulerOf('factor,step=2,factor=3', run),
      ConfigError,
      /--lr-schedule .*factor must be in \(0, 1\], got '3'/,
    );
    expectError(() => lrSchedulerOf('multifactor,steps=3/2', run), ConfigError, /increasing/);
    expectError(() => lrSchedulerOf('cosine,warmup-begin=9', run), ConfigError, /warmup-begin must be in \[0, 0.4\]/);
  });
});

describe('buildModel and networkOfRun', () => {
  it('builds the concise MLP with dropout: Dense(relu), Dropout, Dense(relu), Dropout, Dense(10); bias wdMult 0', () => {
    const n = resolveNetwork({ impl: 'concise', model: 'mlp', dropout: [0.2, 0.5], wd: 0.01 });
    const m = buildModel(n, 10);
    expect(String(m.saveable)).toBe(
      'Sequential(\n  (0): Dense(None -> 256, Activation(relu))\n  (1): Dropout(p = 0.2, axes=())\n' +
        '  (2): Dense(None -> 256, Activation(relu))\n  (3): Dropout(p = 0.5, axes=())\n  (4): Dense(None -> 10, linear)\n)',
    );
    expect([...m.params].map(([k, p]) => `${k}:${p.wdMult}`)).toEqual([
      '0.weight:1',
      '0.bias:0',
      '2.weight:1',
      '2.bias:0',
      '4.weight:1',
      '4.bias:0',
    ]);
    m.dispose();
    const s = buildModel(resolveNetwork({ impl: 'scratch', model: 'mlp' }), 10);
    expect([...s.params.keys()]).toEqual(['W1', 'b1', 'W2', 'b2']);
    s.dispose();
  });

  it("a checkpoint's run options rebuild the network it trained (what --resume and --model CHECKPOINT use)", () => {
    const n = resolveNetwork({
      impl: 'concise',
      model: 'mlp',
      dropout: [0.2, 0.5],
      momentum: 0.9,
      lrSchedule: 'cosine',
    });
    const run = {
      impl: n.impl,
      batchSize: 256,
      lr: n.lr,
      seed: 0,
      dataset: 'fashion-mnist',
      limit: null,
      backend: 'cpu',
    };
    expect(networkOfRun({ ...run, ...n }, 10)).toEqual(n);
    // A checkpoint written before the MLP: softmax regression with plain sgd.
    expect(networkOfRun(run, 5)).toEqual(resolveNetwork({ impl: 'concise', lr: n.lr, epochs: 5 }));
  });
});

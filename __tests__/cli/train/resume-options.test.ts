/** --resume takes the options it is not given from the checkpoint, refuses only a real conflict, and a mistyped path. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { incompatibilities, mergeRunOptions, resolveResume } from '../../../src/cli/train/checkpoints.js';
import type { RunFlag } from '../../../src/cli/train/checkpoints.js';
import { CheckpointError } from '../../../src/core/errors.js';
import type { RunOptions } from '../../../src/core/fit/checkpoint.js';
import { withRunDefaults } from '../../../src/core/fit/checkpoint.js';
import { expectError, tempDir } from '../../helpers.js';

const saved: RunOptions = {
  impl: 'scratch',
  batchSize: 64,
  lr: 0.2,
  seed: 7,
  dataset: 'mnist',
  limit: 600,
  backend: 'cpu',
};
const defaults: RunOptions = {
  impl: 'concise',
  batchSize: 256,
  lr: 0.1,
  seed: 0,
  dataset: 'fashion-mnist',
  limit: null,
  backend: 'cpu',
};

describe('options of a resumed run', () => {
  it('those not given are the checkpoint’s; no conflict', () => {
    const given = new Set<RunFlag>();
    // A checkpoint written before the network options existed: softmax regression with plain sgd.
    expect(mergeRunOptions(saved, defaults, given)).toEqual(withRunDefaults(saved));
    expect(incompatibilities(saved, mergeRunOptions(saved, defaults, given), given)).toEqual([]);
  });

  it('a given option equal to the checkpoint’s is fine; a different one is named', () => {
    const given = new Set<RunFlag>(['lr', 'seed']);
    const run = mergeRunOptions(saved, { ...defaults, lr: 0.2, seed: 8 }, given);
    expect(run).toEqual({ ...withRunDefaults(saved), seed: 8 });
    expect(incompatibilities(saved, run, given)).toEqual(['--seed 7 in the checkpoint, 8 now']);
  });

  it('without `given` (a library caller) every option counts', () => {
    expect(mergeRunOptions(saved, defaults, undefined)).toBe(defaults);
    expect(incompatibilities(saved, defaults)).toHaveLength(6); // the network options agree: both are softmax, sgd
  });
});

describe('resolveResume', () => {
  it('a mistyped path is an error naming it, and is not created', () => {
    const missing = join(tempDir(), 'typo');
    expectError(() => resolveResume(missing), CheckpointError, /typo: is not a directory\. Pass the directory/);
    expect(existsSync(missing)).toBe(false);
  });

  it('a run directory resumes from its checkpoints/ and keeps writing itself', () => {
    const run = tempDir();
    mkdirSync(join(run, 'checkpoints'));
    expect(resolveResume(run)).toEqual({ checkpointDir: join(run, 'checkpoints'), runDir: run });
    expect(resolveResume(join(run, 'checkpoints'))).toEqual({ checkpointDir: join(run, 'checkpoints'), runDir: run });
    const plain = tempDir();
    expect(resolveResume(plain)).toEqual({ checkpointDir: plain });
  });
});

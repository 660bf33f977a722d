/** Library messages name API options; the command line shows its flags instead. The native hint names the command that works here. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forCommandLine } from '../../src/cli/messages.js';
import { hintMarker, nativeHintOnce } from '../../src/cli/train/native-hint.js';
import { FASHION_MNIST, MNIST } from '../../src/core/data/datasets.js';
import { DivergenceError } from '../../src/core/errors.js';
import { rebuildCommand } from '../../src/node/backend/native.js';
import { tempDir } from '../helpers.js';

describe('messages: API options in the library, flags on the command line', () => {
  it.each([
    ['divergence', new DivergenceError(1, Number.NaN, 2).message, '(learningRate)', '(--lr)'],
    ['Fashion-MNIST not found', FASHION_MNIST.howToGet, 'Pass `root`', 'Pass --data-dir'],
    ['MNIST not found', MNIST.howToGet, 'the `mirrors` option', '--mirror URL'],
  ])('%s', (_what, message, api, flag) => {
    expect(message).toContain(api);
    expect(message).not.toMatch(/--(lr|data-dir|mirror)\b/);
    const cli = forCommandLine(message);
    expect(cli).toContain(flag);
    expect(cli).not.toContain(api);
    expect(cli).not.toContain('downloadDataset');
  });
});

describe('the native-backend hint', () => {
  it('names npm rebuild softmax in a project that installed it, npm run rebuild:native in a clone', () => {
    expect(rebuildCommand('/home/me/app/node_modules/softmax')).toBe('npm rebuild softmax');
    expect(rebuildCommand('/home/me/softmax')).toBe('npm run rebuild:native');
  });

  it('is said once, on the first auto run without blas, and remembered in the user cache', async () => {
    const env = { XDG_CACHE_HOME: tempDir() };
    const notes: string[] = [];
    const skipped = [{ name: 'blas', reason: 'the native addon is not built (... then npm rebuild softmax)' }];
    await nativeHintOnce('cpu', 'cpu', skipped, (l) => notes.push(l), env); // a backend chosen: no hint
    await nativeHintOnce('auto', 'wasm', [], (l) => notes.push(l), env); // blas loaded: no hint
    await nativeHintOnce('auto', 'wasm', skipped, (l) => notes.push(l), env);
    await nativeHintOnce('auto', 'wasm', skipped, (l) => notes.push(l), env);
    expect(notes).toEqual([
      'note: training runs on wasm, not on the faster native blas backend: the native addon is not built (... then npm rebuild softmax)',
    ]);
    expect(hintMarker(env)).toBe(join(env.XDG_CACHE_HOME, 'softmax', 'native-backend-hint-shown'));
    expect(readFileSync(hintMarker(env), 'utf8')).toBe('shown\n');
  });
});

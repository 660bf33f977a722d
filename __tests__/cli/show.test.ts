/** `softmax show` (d2l's show_fashion_mnist) and showFashionMnist of a batch tensor. */
import { join } from 'node:path';
import { runShow } from '../../src/cli/show/run.js';
import { buildParser } from '../../src/cli/main.js';
import { tf } from '../../src/core/backend/tf.js';
import { ShapeError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { gridOfBatch, showFashionMnist } from '../../src/node/render/charts.js';
import { svgTexts } from '../node/render/decode.js';
import { expectError, tempDir } from '../helpers.js';

describe('softmax show', () => {
  it('draws the first n training images captioned with their class names', async () => {
    const out = join(tempDir(), 'grid.svg');
    const lines: string[] = [];
    await runShow(
      { n: 4, split: 'train', dataset: 'fashion-mnist', out },
      { logger: silentLogger, print: (l) => lines.push(l) },
    );
    // The first four training labels of Fashion-MNIST are 9, 0, 0, 3.
    expect(svgTexts(out)).toEqual(expect.arrayContaining(['Ankle boot', 'T-shirt/top', 'Dress', 'train #3']));
    expect(lines).toEqual([`4 train images of Fashion-MNIST with their labels; picture: ${out}`]);
  });

  it('is a command of the CLI', async () => {
    const help = await buildParser([]).getHelp();
    expect(help).toMatch(/softmax show\s+Draw training images with their labels/);
  });
});

describe('showFashionMnist of a batch tensor', () => {
  it('takes X [B, 784] in [0, 1] with int labels, as a DataLoader batch', async () => {
    const X = tf.tidy(() => tf.concat([tf.zeros([1, 784]), tf.ones([1, 784])]));
    const y = tf.tensor1d([8, 1], 'int32');
    const grid = gridOfBatch(X, { labels: y });
    expect(grid.map((g) => [g.pixels[0], g.pixels[783], g.caption])).toEqual([
      [0, 0, ['Bag']],
      [255, 255, ['Trouser']],
    ]);
    const file = join(tempDir(), 'batch.svg');
    await showFashionMnist(X, file, { labels: y });
    expect(svgTexts(file)).toEqual(expect.arrayContaining(['Bag', 'Trouser']));
    expectError(() => gridOfBatch(tf.zeros([2, 10])), ShapeError, /\[B, 784\].*but got \[2,10\]/);
    tf.dispose([X, y]);
  });
});

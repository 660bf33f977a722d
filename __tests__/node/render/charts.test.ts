/** Every picture decodes (PNG signature and IHDR size, SVG parses) and carries what it should. */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST_CLASSES } from '../../../src/core/data/fashion-mnist.js';
import { OutputError } from '../../../src/core/errors.js';
import { CURVE_SERIES, curvesSpec } from '../../../src/core/viz/curves.js';
import { plotConfusion, plotCurves, showFashionMnist } from '../../../src/node/render/charts.js';
import { pngSize, svgTexts } from './decode.js';
import { tempDir } from '../../helpers.js';

const history = [
  { epoch: 1, loss: 0.79, trainAcc: 0.75, testAcc: 0.78 },
  { epoch: 2, loss: 0.57, trainAcc: 0.81, testAcc: 0.8 },
];

describe('charts', () => {
  it('curves: svg + png with title, axes and the three legend series', async () => {
    const dir = tempDir();
    const files = await plotCurves(history, join(dir, 'curves'), { title: 'my run', epochs: 5 });
    expect(files).toEqual({ svg: join(dir, 'curves.svg'), png: join(dir, 'curves.png') });
    const texts = svgTexts(files.svg!);
    for (const s of [...CURVE_SERIES, 'my run', 'epoch', 'loss', 'accuracy', '5']) expect(texts).toContain(s);
    const { width, height } = pngSize(files.png!);
    expect(width).toBeGreaterThan(800);
    expect(height).toBeGreaterThan(500);
    expect(readdirSync(dir).sort()).toEqual(['curves.png', 'curves.svg']);
  });

  it('curves: the loss on its own axis, so accuracy is not flattened by a large loss; details in the subtitle', () => {
    const big = [
      { epoch: 1, loss: 41.3, trainAcc: 0.61, testAcc: 0.64 },
      { epoch: 2, loss: 38.2, trainAcc: 0.66, testAcc: 0.67 },
    ];
    const spec = curvesSpec(big, { title: 'lr 5', epochs: 3, details: 'batch size 256, lr 5' }) as unknown as {
      title: { subtitle: string };
      layer: { encoding: { y: { title: string; scale: { domain: number[] } } } }[];
      resolve: unknown;
    };
    expect(spec.title.subtitle).toBe('after epoch 2 · batch size 256, lr 5');
    expect(spec.layer.map((l) => [l.encoding.y.title, l.encoding.y.scale.domain])).toEqual([
      ['loss', [0, 41.3]],
      ['accuracy', [0, 1]],
    ]);
    expect(spec.resolve).toEqual({ scale: { y: 'independent' } });
  });

  it('curves of a 1-epoch run: its one point in the middle, labelled 1', async () => {
    const dir = tempDir();
    const one = [{ epoch: 1, loss: 0.79, trainAcc: 0.75, testAcc: 0.78 }];
    const x = (
      curvesSpec(one, { epochs: 1 }) as unknown as { layer: { encoding: { x: { scale: { domain: number[] } } } }[] }
    ).layer[0]!.encoding.x.scale.domain;
    expect(x).toEqual([0.5, 1.5]);
    const files = await plotCurves(one, join(dir, 'curves'), { epochs: 1 });
    const texts = svgTexts(files.svg!);
    expect(texts.slice(0, texts.indexOf('epoch'))).toEqual(['1']);
  });

  it.each([2, 3, 7, 40])(
    'curves of a %p-epoch run label the epoch axis with whole, distinct epochs',
    async (epochs) => {
      const dir = tempDir();
      const files = await plotCurves(history, join(dir, 'curves'), { epochs, formats: undefined } as never);
      const texts = svgTexts(files.svg!);
      // The x axis comes first in the SVG: its labels, then its title 'epoch'.
      const labels = texts.slice(0, texts.indexOf('epoch'));
      expect(labels.length).toBeGreaterThanOrEqual(2);
      expect(labels.every((l) => /^\d+$/.test(l))).toBe(true);
      expect(new Set(labels).size).toBe(labels.length);
      // Few epochs: every one of them.
      if (epochs <= 12) expect(labels).toEqual(Array.from({ length: epochs }, (_, i) => String(i + 1)));
    },
  );

  it('confusion matrix: a heat map with every class name and the counts', async () => {
    const dir = tempDir();
    const m = FASHION_MNIST_CLASSES.map((_, t) => FASHION_MNIST_CLASSES.map((__, p) => (t === p ? 900 + t : t + p)));
    const files = await plotConfusion(m, FASHION_MNIST_CLASSES, join(dir, 'confusion.svg'));
    expect(files).toEqual({ svg: join(dir, 'confusion.svg') });
    const texts = svgTexts(files.svg!);
    for (const name of FASHION_MNIST_CLASSES) expect(texts.filter((t) => t === name)).toHaveLength(2); // both axes
    expect(texts).toContain('909');
    const png = await plotConfusion(m, FASHION_MNIST_CLASSES, join(dir, 'confusion.png'));
    expect(pngSize(png.png!).width).toBeGreaterThan(800);
  });

  it('image grid: one image and caption per example, wrong ones marked', async () => {
    const dir = tempDir();
    const pixels = new Uint8Array(784).map((_, i) => i % 256);
    const images = [
      { pixels, caption: ['true: Bag', 'pred: Bag'] },
      { pixels, caption: ['true: Coat', 'pred: Shirt'], marked: true },
    ];
    const files = await showFashionMnist(images, join(dir, 'grid'), { title: 'grid' });
    const svg = readFileSync(files.svg!, 'utf8');
    expect(svg.match(/<image /g)).toHaveLength(2);
    expect(svgTexts(files.svg!)).toEqual(
      expect.arrayContaining(['true: Bag', 'pred: Shirt', '✗ true: Coat', '#0', '#1']),
    );
    expect(pngSize(files.png!).height).toBeGreaterThan(200);
  });

  it('an output path that cannot be written is OutputError (10) and leaves nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    const err = await plotCurves(history, join(dir, 'file', 'curves.png')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect(readdirSync(dir)).toEqual(['file']);
  });
});

describe('picture formats (issue 12: --out x.jpg wrote x.jpg.png and x.jpg.svg)', () => {
  const grid = [{ pixels: new Uint8Array(784).fill(128), label: 'a', caption: ['b'] }];
  it.each([
    ['x.jpg', [0xff, 0xd8, 0xff]],
    ['x.JPEG', [0xff, 0xd8, 0xff]],
    ['x.webp', [0x52, 0x49, 0x46, 0x46]], // RIFF
    ['x.png', [0x89, 0x50, 0x4e, 0x47]],
  ])('%s is written under that very name in that format', async (name, magic) => {
    const dir = tempDir();
    await showFashionMnist(grid, join(dir, name));
    expect(readdirSync(dir)).toEqual([name]);
    expect([...readFileSync(join(dir, name)).subarray(0, magic.length)]).toEqual(magic);
  });

  it('another extension is refused, and nothing is written', async () => {
    const dir = tempDir();
    await expect(showFashionMnist(grid, join(dir, 'x.gif'))).rejects.toThrow(
      /x\.gif: '\.gif' is not a picture format softmax writes \(use \.png, \.svg, \.jpg or \.webp\)/,
    );
    await expect(plotConfusion([[1]], ['a'], join(dir, 'x.pdf'))).rejects.toThrow(OutputError);
    expect(readdirSync(dir)).toEqual([]);
  });
});

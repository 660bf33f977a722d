/**
 * CurvesPlotter draws on a worker thread (the compiled dist/node/render/curves-worker.js) the same files as on
 * this thread; a failing worker hands its drawings back; an idle worker does not keep Node alive.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OutputError } from '../../../src/core/errors.js';
import { CurvesPlotter } from '../../../src/node/render/curves-plotter.js';
import { tempDir } from '../../helpers.js';

const dist = resolve(__dirname, '../../../dist');
const script = join(dist, 'node/render/curves-worker.js');
const built = existsSync(script);
if (!built && process.env['CI']) throw new Error(`${script} is missing: npm test builds dist/ before jest`);

const history = [1, 2, 3].map((epoch) => ({
  epoch,
  loss: 1 / epoch,
  trainAcc: 0.6 + epoch / 20,
  testAcc: 0.6 + epoch / 25,
}));
const options = { title: 'concise softmax regression', epochs: 3 };

(built ? describe : describe.skip)(
  `on the worker${built ? '' : ' (skipped: dist/ is not built; npm test builds it)'}`,
  () => {
    it('writes the same SVG and PNG as drawing on this thread', async () => {
      const [a, b] = [tempDir(), tempDir()];
      const onWorker = new CurvesPlotter(script);
      const onThread = new CurvesPlotter(null);
      const files = await onWorker.plot(history, join(a, 'curves'), options);
      await onThread.plot(history, join(b, 'curves'), options);
      await onWorker.close();
      expect(files).toEqual({ svg: join(a, 'curves.svg'), png: join(a, 'curves.png') });
      expect(readFileSync(join(a, 'curves.svg'), 'utf8')).toBe(readFileSync(join(b, 'curves.svg'), 'utf8'));
      expect(Buffer.compare(readFileSync(join(a, 'curves.png')), readFileSync(join(b, 'curves.png')))).toBe(0);
    });

    it("a drawing that cannot be written comes back as the worker's OutputError", async () => {
      const dir = tempDir();
      mkdirSync(join(dir, 'curves.svg'));
      const plotter = new CurvesPlotter(script);
      const err = await plotter.plot(history, join(dir, 'curves'), options).catch((e: unknown) => e);
      await plotter.close();
      expect(err).toBeInstanceOf(OutputError);
      expect((err as OutputError).path).toBe(join(dir, 'curves.svg'));
    });

    it('an idle worker does not keep the process alive', () => {
      const dir = tempDir();
      const code =
        `const { CurvesPlotter } = require(${JSON.stringify(join(dist, 'node/render/curves-plotter.js'))});\n` +
        `      new CurvesPlotter().plot(${JSON.stringify(history)}, ${JSON.stringify(join(dir, 'curves'))})` +
        `.then(() => console.log('drawn'));`;
      const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 30_000 });
      expect(r.signal).toBeNull(); // not killed by the timeout: it exited by itself once the drawing was back
      expect(r.stdout.trim()).toBe('drawn');
      expect(existsSync(join(dir, 'curves.png'))).toBe(true);
    });
  },
);

it('a worker that fails to start hands its drawings to this thread', async () => {
  const dir = tempDir();
  const broken = join(dir, 'broken-worker.js');
  writeFileSync(broken, "throw new Error('this worker cannot start');\n");
  const plotter = new CurvesPlotter(broken);
  const files = await plotter.plot(history, join(dir, 'curves'), options);
  await plotter.close();
  expect(existsSync(files.png ?? '')).toBe(true);
  expect(readFileSync(join(dir, 'curves.svg'), 'utf8')).toContain('after epoch 3');
});

/** The bundle format (model.json + weights.bin): round trip, and every way a directory can be bad. */
import { chmodSync, readFileSync, readdirSync, writeFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { ModelFormatError, OutputError } from '../../src/core/errors.js';
import { readBundle, writeBundle } from '../../src/node/bundle-files.js';
import { tempDir } from '../helpers.js';

const arrays = [
  { name: '0.weight', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-8, -0]) },
  { name: '0.bias', shape: [2], data: Float32Array.from([0.25, -7]) },
];

async function expectRejects(
  p: Promise<unknown>,
  ErrorClass: typeof ModelFormatError | typeof OutputError,
  pattern: RegExp,
) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ErrorClass);
  expect((err as Error).message).toMatch(pattern);
}

describe('writeBundle / readBundle', () => {
  it('round-trips named float32 arrays, little-endian, in manifest order, with offsets and sha256', async () => {
    const dir = join(tempDir(), 'model');
    const manifest = await writeBundle(dir, 'model', { classes: ['a', 'b'] }, arrays);
    expect(manifest.weights.arrays.map((a) => [a.name, a.byteOffset, a.byteLength])).toEqual([
      ['0.weight', 0, 24],
      ['0.bias', 24, 8],
    ]);
    const bin = readFileSync(join(dir, 'weights.bin'));
    expect(bin.length).toBe(32);
    expect(bin.readFloatLE(8)).toBe(3.5);
    expect(bin.readFloatLE(24)).toBe(0.25);
    const back = await readBundle<{ classes: string[] }>(dir, 'model');
    expect(back.manifest.classes).toEqual(['a', 'b']);
    expect(back.manifest.formatVersion).toBe(1);
    expect(Array.from(back.arrays.get('0.weight')?.data ?? [])).toEqual(Array.from(arrays[0]!.data));
    expect(back.arrays.get('0.bias')?.shape).toEqual([2]);
    expect(readdirSync(join(dir, '..'))).toEqual(['model']); // no temporary left behind
  });

  it('replaces an existing bundle whole', async () => {
    const dir = join(tempDir(), 'model');
    await writeBundle(dir, 'model', { v: 1 }, arrays);
    await writeBundle(dir, 'model', { v: 2 }, arrays.slice(1));
    const back = await readBundle<{ v: number }>(dir, 'model');
    expect(back.manifest.v).toBe(2);
    expect([...back.arrays.keys()]).toEqual(['0.bias']);
  });

  it(
    'a missing directory, a truncated or altered weights file, ' + 'and a foreign manifest are ModelFormatError (7)',
    async () => {
      await expectRejects(
        readBundle(join(tempDir(), 'nope'), 'model'),
        ModelFormatError,
        /model\.json: no such model manifest/,
      );

      const dir = join(tempDir(), 'model');
      await writeBundle(dir, 'model', {}, arrays);
      truncateSync(join(dir, 'weights.bin'), 20);
      await expectRejects(
        readBundle(dir, 'model'),
        ModelFormatError,
        /weights\.bin: holds 20 bytes, the manifest says 32: the file is truncated/,
      );

      await writeBundle(dir, 'model', {}, arrays);
      const bin = readFileSync(join(dir, 'weights.bin'));
      bin[3] = (bin[3] ?? 0) ^ 0xff;
      writeFileSync(join(dir, 'weights.bin'), bin);
      await expectRejects(readBundle(dir, 'model'), ModelFormatError, /sha256 is [0-9a-f]{64}, the manifest says/);

      await writeBundle(dir, 'model', {}, arrays);
      const text = readFileSync(join(dir, 'model.json'), 'utf8');
      writeFileSync(join(dir, 'model.json'), text.slice(0, text.length / 2));
      await expectRejects(
        readBundle(dir, 'model'),
        ModelFormatError,
        /model\.json: not valid JSON .*truncated or not a manifest/,
      );

      writeFileSync(join(dir, 'model.json'), JSON.stringify({ name: 'some package', version: '1.0.0' }));
      await expectRejects(readBundle(dir, 'model'), ModelFormatError, /not a softmax model manifest/);

      // A foreign model.json is never replaced (__tests__/faults/ownership.test.ts): another directory.
      const states = join(tempDir(), 'states');
      await writeBundle(states, 'trainer-states', {}, arrays);
      await expectRejects(readBundle(states, 'model'), ModelFormatError, /holds "trainer-states", expected model/);
    },
  );

  (process.getuid?.() === 0 ? it.skip : it)(
    'an unwritable parent is OutputError (10) and keeps the old bundle',
    async () => {
      const parent = tempDir();
      const dir = join(parent, 'model');
      await writeBundle(dir, 'model', { v: 1 }, arrays);
      chmodSync(parent, 0o500);
      try {
        await expectRejects(
          writeBundle(dir, 'model', { v: 2 }, arrays),
          OutputError,
          /Cannot write .*permission denied/,
        );
      } finally {
        chmodSync(parent, 0o700);
      }
      expect((await readBundle<{ v: number }>(dir, 'model')).manifest.v).toBe(1);
    },
  );

  it('a file in the way of the output directory is OutputError (10), and nothing is left behind', async () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'blocker'), 'not a directory');
    await expectRejects(
      writeBundle(join(parent, 'blocker', 'model'), 'model', {}, arrays),
      OutputError,
      /Cannot write .*blocker/,
    );
    await expectRejects(writeBundle(join(parent, 'blocker'), 'model', {}, arrays), OutputError, /a file is in the way/);
    expect(readdirSync(parent)).toEqual(['blocker']);
    expect(readFileSync(join(parent, 'blocker'), 'utf8')).toBe('not a directory');
  });
});

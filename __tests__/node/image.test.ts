/** User images become 28 × 28 white-on-black examples; what is not an image is ImageFormatError (9). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { ImageFormatError } from '../../src/core/errors.js';
import { readImageAsFashionMnist } from '../../src/node/image.js';
import { tempDir } from '../helpers.js';

/** A `w`×`h` RGB picture: background `bg`, a centered rectangle of `fg` covering the middle half. */
function picture(w: number, h: number, bg: number, fg: number): Buffer {
  const px = Buffer.alloc(w * h * 3, bg);
  for (let y = Math.floor(h / 4); y < Math.floor((3 * h) / 4); y++) {
    for (let x = Math.floor(w / 4); x < Math.floor((3 * w) / 4); x++) px.fill(fg, (y * w + x) * 3, (y * w + x) * 3 + 3);
  }
  return px;
}
const at = (img: Uint8Array, r: number, c: number) => img[r * 28 + c] ?? -1;

describe('readImageAsFashionMnist', () => {
  it('a dark object on a white photo (JPEG, 3:1) is inverted, trimmed, fit and centered', async () => {
    const file = join(tempDir(), 'photo.jpg');
    writeFileSync(
      file,
      await sharp(picture(300, 100, 250, 20), { raw: { width: 300, height: 100, channels: 3 } })
        .jpeg()
        .toBuffer(),
    );
    const img = await readImageAsFashionMnist(file);
    expect(img).toHaveLength(784);
    expect(at(img, 14, 14)).toBeGreaterThan(200); // the object, now light
    expect(at(img, 0, 0)).toBeLessThan(30); // background, now black
    expect(at(img, 14, 1)).toBeGreaterThan(200); // wide object fills the width...
    expect(at(img, 3, 14)).toBeLessThan(30); // ...and is letterboxed top and bottom
  });

  it('a light object on black (PNG) is kept as it is', async () => {
    const file = join(tempDir(), 'dark.png');
    writeFileSync(
      file,
      await sharp(picture(56, 56, 0, 255), { raw: { width: 56, height: 56, channels: 3 } })
        .png()
        .toBuffer(),
    );
    const img = await readImageAsFashionMnist(file);
    expect(at(img, 14, 14)).toBeGreaterThan(200);
  });

  it('a file that is not an image, or no file, is ImageFormatError with exit code 9', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.png'), 'this is text, not a PNG');
    for (const [file, pattern] of [
      [join(dir, 'notes.png'), /notes\.png: not an image softmax can read/],
      [join(dir, 'missing.png'), /missing\.png: no such file/],
    ] as const) {
      const err = await readImageAsFashionMnist(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageFormatError);
      expect((err as Error).message).toMatch(pattern);
    }
  });
});

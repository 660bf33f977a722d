/**
 * Transparent pictures (issue 12): a cut-out object is flattened onto the background that contrasts
 * with it, so a white shirt on transparency prepares like a white shirt on black (not all black);
 * a blank picture prepares (nearly) empty, which `inkShare` measures.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { flattenBackground, inkShare, readImageAsFashionMnist } from '../../src/node/image.js';
import { tempDir } from '../helpers.js';

const W = 60;
/** A T-shirt silhouette (body and sleeves) of gray `fg` on `bg`; `alpha` 0 makes the background transparent. */
function shirt(fg: number, bg: number, transparent: boolean): Promise<Buffer> {
  const px = Buffer.alloc(W * W * 4);
  for (let y = 0; y < W; y++) {
    for (let x = 0; x < W; x++) {
      const body = x >= 18 && x < 42 && y >= 9 && y < 55;
      const sleeves = y >= 9 && y < 27 && ((x >= 7 && x < 18) || (x >= 42 && x < 53));
      const inside = body || sleeves;
      px.fill(inside ? fg : bg, (y * W + x) * 4, (y * W + x) * 4 + 3);
      px[(y * W + x) * 4 + 3] = inside || !transparent ? 255 : 0;
    }
  }
  return sharp(px, { raw: { width: W, height: W, channels: 4 } })
    .png()
    .toBuffer();
}

async function prepared(bytes: Buffer): Promise<Uint8Array> {
  const file = join(tempDir(), 'x.png');
  writeFileSync(file, bytes);
  return readImageAsFashionMnist(file);
}

describe('transparent pictures', () => {
  it('a white shirt on transparency prepares as the same shirt on black does', async () => {
    const cutOut = await prepared(await shirt(245, 0, true));
    const onBlack = await prepared(await shirt(245, 0, false));
    expect(inkShare(cutOut)).toBeGreaterThan(0.3); // not the all-black image of old
    expect(Array.from(cutOut)).toEqual(Array.from(onBlack));
  });

  it('a dark shirt on transparency prepares as the same shirt on white does (inverted: light on black)', async () => {
    const cutOut = await prepared(await shirt(30, 0, true));
    const onWhite = await prepared(await shirt(30, 255, false));
    expect(inkShare(cutOut)).toBeGreaterThan(0.3);
    expect(Array.from(cutOut)).toEqual(Array.from(onWhite));
  });

  it('a blank white picture prepares (nearly) empty', async () => {
    const blank = await sharp(Buffer.alloc(W * W * 3, 255), { raw: { width: W, height: W, channels: 3 } })
      .png()
      .toBuffer();
    expect(inkShare(await prepared(blank))).toBeLessThan(0.02);
  });

  it('flattenBackground: opaque borders keep white; a transparent border takes the contrast of the object', () => {
    const gray = (v: number) => ({ data: new Uint8Array(9).fill(v), width: 3, height: 3 });
    const ring = (border: number, center: number) => {
      const a = gray(border);
      a.data[4] = center;
      return a;
    };
    expect(flattenBackground(gray(240), gray(255))).toBe(255);
    expect(flattenBackground(gray(240), ring(0, 255))).toBe(0);
    expect(flattenBackground(gray(20), ring(0, 255))).toBe(255);
  });
});

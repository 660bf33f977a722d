/**
 * User images as Fashion-MNIST examples: any PNG, JPEG, WebP, GIF, TIFF or AVIF (decoded by sharp)
 * becomes 28 × 28 uint8 grayscale, a light object on a black background like the data set: transparency
 * is flattened onto white, the picture is inverted when its border is light (a photo on a white table),
 * the background around the object is trimmed, and the object is scaled to fit 28 × 28 keeping its
 * aspect ratio and centered, as Zalando built the data set from product photos.
 */
import { readFile } from 'node:fs/promises';
import { sharp } from './sharp.js';

import { ImageFormatError } from '../core/errors.js';

const SIDE = 28;

interface Gray {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The image as 8-bit grayscale, transparency flattened onto white. */
async function decodeGray(bytes: Buffer, file: string): Promise<Gray> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' })
      .flatten({ background: '#ffffff' })
      .grayscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const gray = new Uint8Array(info.width * info.height);
    for (let i = 0; i < gray.length; i++) gray[i] = data[i * info.channels] ?? 0;
    return { data: gray, width: info.width, height: info.height };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ImageFormatError(file, `not an image softmax can read (PNG, JPEG, WebP, GIF, TIFF or AVIF): ${reason}`, {
      cause: err,
    });
  }
}

/** Mean of the outermost ring of pixels. */
function borderMean({ data, width, height }: Gray): number {
  let sum = 0;
  let n = 0;
  for (let x = 0; x < width; x++) {
    sum += (data[x] ?? 0) + (data[(height - 1) * width + x] ?? 0);
    n += 2;
  }
  for (let y = 1; y < height - 1; y++) {
    sum += (data[y * width] ?? 0) + (data[y * width + width - 1] ?? 0);
    n += 2;
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * Converts encoded image bytes to a Fashion-MNIST-like example: uint8 `[784]`, row-major 28 × 28,
 * light object on black. `file` names the image in errors. Throws `ImageFormatError`.
 */
export async function toFashionMnist(bytes: Buffer, file: string): Promise<Uint8Array> {
  const gray = await decodeGray(bytes, file);
  if (borderMean(gray) > 127) for (let i = 0; i < gray.data.length; i++) gray.data[i] = 255 - (gray.data[i] ?? 0);
  const raw = { raw: { width: gray.width, height: gray.height, channels: 1 as const } };
  // Trim the dark background around the object; a blank image has nothing to trim and stays whole.
  const trimmed = await sharp(gray.data, raw)
    .trim({ background: '#000000', threshold: 24 })
    .png()
    .toBuffer()
    .catch(() => sharp(gray.data, raw).png().toBuffer());
  const { data, info } = await sharp(trimmed)
    .resize(SIDE, SIDE, { fit: 'contain', background: '#000000', kernel: 'lanczos3' })
    .grayscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(SIDE * SIDE);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels] ?? 0;
  return out;
}

/** Reads image `file` and converts it (see `toFashionMnist`). Throws `ImageFormatError` (also when missing). */
export async function readImageAsFashionMnist(file: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImageFormatError(file, code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(err)})`, {
      cause: err,
    });
  }
  return toFashionMnist(bytes, file);
}

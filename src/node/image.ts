/**
 * User images as Fashion-MNIST examples: any PNG, JPEG, WebP, GIF, TIFF or AVIF (decoded by sharp)
 * becomes 28 × 28 uint8 grayscale, a light object on a black background like the data set: transparency
 * is flattened onto white, the picture is inverted when its border is light (a photo on a white table),
 * the background around the object is trimmed, and the object is scaled to fit 28 × 28 keeping its
 * aspect ratio and centered, as Zalando built the data set from product photos.
 */
import { sharp } from './sharp.js';

import { ImageFormatError } from '../core/errors.js';
import { isMissing, readProblem, readRegular } from './files.js';

const SIDE = 28;

interface Gray {
  data: Uint8Array;
  width: number;
  height: number;
}

/** The image as 8-bit grayscale, transparency flattened onto white. */
async function decodeGray(bytes: Buffer, file: string): Promise<Gray> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS })
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

/** The largest image file read: a 40-megapixel JPEG is about 20 MB; anything larger is not a photo of one garment. */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
/** The most pixels decoded, so a small file that decompresses to a huge picture cannot exhaust memory. */
export const MAX_IMAGE_PIXELS = 40_000_000;

/**
 * Reads image `file` (a regular file of at most `MAX_IMAGE_BYTES`) and converts it (see
 * `toFashionMnist`). Throws `ImageFormatError` (also when missing).
 */
export async function readImageAsFashionMnist(file: string): Promise<Uint8Array> {
  const fail = (problem: string, cause?: unknown) => new ImageFormatError(file, problem, { cause });
  let bytes: Buffer;
  try {
    bytes = await readRegular(file, MAX_IMAGE_BYTES, 'an image file', fail);
  } catch (err) {
    if (isMissing(err)) throw fail(readProblem(err), err);
    throw err;
  }
  return toFashionMnist(bytes, file);
}

/**
 * User images as Fashion-MNIST examples: any PNG, JPEG, WebP, GIF, TIFF or AVIF (decoded by sharp)
 * becomes 28 × 28 uint8 grayscale, a light object on a black background like the data set: transparency
 * is flattened onto a background that contrasts with a cut-out object (`flattenBackground`), the
 * picture is inverted when its border is light (a photo on a white table),
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

/** One 8-bit channel of `bytes` as decoded by `pipeline` (grayscale, or the alpha channel). */
async function channel(
  bytes: Buffer,
  pipeline: (s: ReturnType<typeof sharp>) => ReturnType<typeof sharp>,
): Promise<Gray> {
  const { data, info } = await pipeline(sharp(bytes, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS }))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(info.width * info.height);
  for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels] ?? 0;
  return { data: out, width: info.width, height: info.height };
}

/**
 * The background transparency is flattened onto: where the border is transparent (a cut-out object),
 * the one that contrasts with the object (black under a light object, white under a dark one), so the
 * object survives the inversion that follows; otherwise white, as a viewer shows it.
 */
export function flattenBackground(gray: Gray, alpha: Gray): number {
  if (borderMean(alpha) >= 128) return 255;
  let weighted = 0;
  let opacity = 0;
  for (let i = 0; i < gray.data.length; i++) {
    const a = alpha.data[i] ?? 0;
    weighted += (gray.data[i] ?? 0) * a;
    opacity += a;
  }
  return opacity > 0 && weighted / opacity > 127 ? 0 : 255;
}

/** The image as 8-bit grayscale, transparency flattened onto the background `flattenBackground` picks. */
async function decodeGray(bytes: Buffer, file: string): Promise<Gray> {
  try {
    const { hasAlpha } = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
    if (!hasAlpha) return await channel(bytes, (s) => s.grayscale());
    const [gray, alpha] = await Promise.all([
      channel(bytes, (s) => s.removeAlpha().grayscale()),
      channel(bytes, (s) => s.ensureAlpha().extractChannel(3)),
    ]);
    const background = flattenBackground(gray, alpha);
    for (let i = 0; i < gray.data.length; i++) {
      const a = alpha.data[i] ?? 0;
      gray.data[i] = Math.round(((gray.data[i] ?? 0) * a + background * (255 - a)) / 255);
    }
    return gray;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ImageFormatError(file, `not an image softmax can read (PNG, JPEG, WebP, GIF, TIFF or AVIF): ${reason}`, {
      cause: err,
    });
  }
}

/** The share of a prepared image's pixels that show something (above 1/4 brightness): near 0 is blank. */
export function inkShare(pixels: Uint8Array): number {
  let ink = 0;
  for (const v of pixels) if (v > 64) ink++;
  return pixels.length === 0 ? 0 : ink / pixels.length;
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

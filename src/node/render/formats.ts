/** The picture formats charts are written in, by file extension; light, so the CLI can check `--out` early. */
import * as path from 'node:path';

/** Vector, or raster (resvg, then sharp for JPEG and WebP). */
export const PICTURE_FORMATS = ['png', 'svg', 'jpg', 'webp'] as const;
export type PictureFormat = (typeof PICTURE_FORMATS)[number];

/** The format a picture file's extension names (`.jpeg` is jpg); undefined for none or another. */
export function pictureFormat(file: string): PictureFormat | undefined {
  const ext = path.extname(file).toLowerCase().slice(1);
  const format = ext === 'jpeg' ? 'jpg' : ext;
  return PICTURE_FORMATS.find((f) => f === format);
}

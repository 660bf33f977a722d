/** sharp, loaded on first use (about 70 ms): only the image commands and picture grids need it. */
import type Sharp from 'sharp';

let loaded: typeof Sharp | undefined;

/** `sharp(...)`, requiring the module the first time. */
export function sharp(...args: Parameters<typeof Sharp>): ReturnType<typeof Sharp> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('sharp') as typeof Sharp;
  return loaded(...args);
}

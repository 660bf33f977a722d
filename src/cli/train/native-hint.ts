/**
 * The first `softmax train` that runs without the native blas backend says so once, with the command
 * that builds it where the user is (a plain `npm install` hides the addon's build output). A marker in
 * the user cache remembers that it was said.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { userCacheDir } from '../../node/data/store.js';

/** The marker file (beside the cached data sets). */
export function hintMarker(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(path.dirname(userCacheDir('x', env))), 'native-backend-hint-shown');
}

/**
 * With `backend auto` and blas among the backends skipped, prints the hint (`notice`) unless the marker
 * exists, creating the marker (exclusively, never through a link).
 */
export async function nativeHintOnce(
  requested: string,
  used: string,
  skipped: readonly { name: string; reason: string }[],
  notice: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const blas = skipped.find((s) => s.name === 'blas');
  if (requested !== 'auto' || blas === undefined) return;
  const marker = hintMarker(env);
  try {
    await mkdir(path.dirname(marker), { recursive: true });
    await writeFile(marker, 'shown\n', { flag: 'wx' });
  } catch (err) {
    // Shown before; a cache that cannot be written just means the hint comes again next time.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
  }
  notice(`note: training runs on ${used}, not on the faster native blas backend: ${blas.reason}`);
}

/**
 * A test hook that holds a write inside its critical window, so a test can kill the process exactly
 * there (`__tests__/faults/kill.test.ts`) instead of hoping a random SIGKILL lands in it.
 * `SOFTMAX_TEST_PAUSE=point[:name][@n][,...]` makes the n-th (default first) arrival at `point` (for the
 * file or directory whose base name is `name`, if given) print `softmax-test-pause <point> <path>` on
 * stderr and then wait forever. Unset (always, outside tests), a pause point costs one environment lookup.
 */
import { writeSync } from 'node:fs';
import * as path from 'node:path';

const arrivals = new Map<string, number>();

/** Waits forever at `point` when `SOFTMAX_TEST_PAUSE` names it (see the module comment); else returns at once. */
export async function pausePoint(point: string, target: string): Promise<void> {
  const wanted = process.env['SOFTMAX_TEST_PAUSE'];
  if (wanted === undefined || wanted === '') return;
  const hit = wanted.split(',').some((w) => {
    const [spec = '', at = '1'] = w.split('@');
    const [name, base] = spec.split(':');
    if (name !== point || (base !== undefined && base !== path.basename(target))) return false;
    const n = (arrivals.get(w) ?? 0) + 1;
    arrivals.set(w, n);
    return Number(at) === n;
  });
  if (!hit) return;
  writeSync(2, `softmax-test-pause ${point} ${target}\n`);
  // A pending timer keeps the event loop (and so the process) alive until the test kills it.
  await new Promise<never>(() => setInterval(() => undefined, 1 << 30));
}

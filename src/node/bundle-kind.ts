/**
 * What kind of softmax bundle a directory holds (`model`, `trainer-states`, `checkpoint`), read from
 * its manifest without loading the weights: for the tools that accept several kinds, and for a save
 * that must not replace a bundle of another kind.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { MANIFEST_FILE } from '../core/io/bundle.js';

/** A manifest larger than this is no manifest softmax wrote (they hold a few kB). */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** The `kind` of the softmax bundle in `dir`; undefined when there is none (no manifest, or not one of ours). */
export async function bundleKind(dir: string): Promise<string | undefined> {
  let handle;
  try {
    // Non-blocking: a FIFO in place of the manifest must not hang the open.
    handle = await open(path.join(dir, MANIFEST_FILE), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > MAX_MANIFEST_BYTES) return undefined;
    const buffer = Buffer.alloc(stat.size);
    const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
    const parsed: unknown = JSON.parse(buffer.subarray(0, bytesRead).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { format, kind } = parsed as { format?: unknown; kind?: unknown };
    return format === 'softmax' && typeof kind === 'string' ? kind : undefined;
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

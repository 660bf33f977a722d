/**
 * Bundles (`core/io/bundle.ts`) as directories: `model.json` and `weights.bin`, replaced atomically
 * (`writeDirAtomic`) and only when what is there is a bundle softmax wrote, read back verified. The Node
 * platform's `BundleStore`.
 */
import { createHash } from 'node:crypto';
import { lstat, readFile, readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { ModelFormatError, OutputError } from '../core/errors.js';
import { MANIFEST_FILE, decodeManifest, decodeWeights, encodeBundle } from '../core/io/bundle.js';
import type { Manifest, NamedArray } from '../core/io/bundle.js';
import type { BundleStore } from '../core/platform.js';
import { writeDirAtomic } from './atomic.js';
import { asideCopyOf } from './temp-files.js';
import { formatBytes, isMissing, openRegular, readAt, readProblem } from './files.js';
import { bundleKind } from './bundle-kind.js';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** What each kind of bundle is, in the words of the API that writes it. */
const KIND_NAMES: Readonly<Record<string, string>> = {
  model: 'model (saveParameters)',
  'trainer-states': 'trainer state (trainer.saveStates)',
  checkpoint: 'checkpoint',
};

/**
 * Why directory `dir` must not be replaced by a bundle, or undefined when it may: it is missing or empty,
 * or holds only a softmax manifest and the weights file it names. Anything else is someone else's.
 */
export async function foreignContent(dir: string): Promise<string | undefined> {
  const info = await lstat(dir).catch(() => undefined);
  if (info === undefined) return undefined;
  if (!info.isDirectory()) return undefined; // writeDirAtomic refuses a file or link in the way itself
  const entries = await readdir(dir);
  if (entries.length === 0) return undefined;
  const manifestFile = path.join(dir, MANIFEST_FILE);
  const m = await lstat(manifestFile).catch(() => undefined);
  let weights: unknown;
  if (m?.isFile() === true && m.size <= MAX_MANIFEST_BYTES) {
    try {
      const parsed = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown> | null;
      if (parsed?.['format'] === 'softmax') weights = (parsed['weights'] as Record<string, unknown> | null)?.['file'];
    } catch {
      // not JSON: not ours
    }
  }
  if (weights === undefined) return `it holds no ${MANIFEST_FILE} written by softmax`;
  const other = entries.find((e) => e !== MANIFEST_FILE && e !== weights);
  return other === undefined ? undefined : `it holds ${other}, which softmax did not write there`;
}

/**
 * Writes `arrays` and a manifest (`meta` plus the header) to directory `dir`, replacing it atomically.
 * Throws `OutputError` when `dir` cannot be written, when it holds anything but a bundle softmax wrote
 * (a user's folder is never replaced), or a bundle of another kind; a previous bundle there stays intact then.
 */
export async function writeBundle<M extends object>(
  dir: string,
  kind: string,
  meta: M,
  arrays: readonly NamedArray[],
): Promise<Manifest<M>> {
  const existing = await bundleKind(dir);
  if (existing !== undefined && existing !== kind) {
    // Each bundle is a whole directory: saveParameters and saveStates into one would leave only the second.
    throw new OutputError(
      dir,
      `holds a ${KIND_NAMES[existing] ?? existing}; writing ${KIND_NAMES[kind] ?? kind} there would replace it. ` +
        'Give each its own directory (for example dir/model and dir/trainer)',
    );
  }
  const { manifest, files } = encodeBundle(kind, meta, arrays, sha256);
  const foreign = await foreignContent(dir).catch(() => undefined);
  if (foreign !== undefined)
    throw new OutputError(dir, `${foreign}; softmax replaces only a directory it wrote (move it away)`);
  await writeDirAtomic(dir, files);
  return manifest;
}

/** The largest manifest read: a model's or a checkpoint's is a few KB (a checkpoint's grows ~0.2 KB an epoch). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** The largest weights file read: softmax regression's is 31 KB; this leaves room for wider networks. */
export const MAX_WEIGHTS_BYTES = 1024 * 1024 * 1024;

/**
 * Reads a file of the bundle (a regular file only): exactly `expected` bytes when given, else at most
 * `maxBytes`. A missing, unreadable, special or oversized file is a `ModelFormatError`.
 */
async function readPart(file: string, what: string, { maxBytes, expected }: { maxBytes: number; expected?: number }) {
  const fail = (problem: string, cause?: unknown) => new ModelFormatError(file, problem, { cause });
  let opened;
  try {
    opened = await openRegular(file, fail);
  } catch (err) {
    if (isMissing(err)) throw fail(`no such ${what}`, err);
    throw err;
  }
  const { handle, size } = opened;
  try {
    if (expected !== undefined && size !== expected) {
      throw fail(`holds ${size} bytes, the manifest says ${expected}: the file is truncated or from another save`);
    }
    if (size > maxBytes) throw fail(`is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} a ${what} can be`);
    return await readAt(handle, size);
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    throw fail(readProblem(err), err);
  } finally {
    await handle.close();
  }
}

/**
 * Reads a bundle written by `writeBundle` with the given `kind`: the manifest and the arrays by name,
 * verified (see `decodeWeights`). Throws `ModelFormatError` for a missing, truncated, altered or foreign directory.
 */
export async function readBundle<M extends object>(
  dir: string,
  kind: string,
): Promise<{ manifest: Manifest<M>; arrays: Map<string, NamedArray> }> {
  // A writer killed between the two renames of the fallback swap left the previous copy aside.
  const missing = (await lstat(dir).catch(() => undefined)) === undefined;
  const aside = missing ? await asideCopyOf(dir) : undefined;
  if (aside !== undefined) dir = aside;
  const manifestFile = path.join(dir, MANIFEST_FILE);
  const text = await readPart(
    manifestFile,
    `${kind} manifest (expected a directory written by softmax holding ${MANIFEST_FILE})`,
    { maxBytes: MAX_MANIFEST_BYTES },
  );
  const manifest = decodeManifest<M>(text.toString('utf8'), manifestFile, kind, sha256);
  const binFile = path.join(dir, manifest.weights.file);
  const expected = manifest.weights.byteLength;
  if (expected > MAX_WEIGHTS_BYTES) {
    throw new ModelFormatError(
      manifestFile,
      `says the weights file holds ${formatBytes(expected)}, more than the ${formatBytes(MAX_WEIGHTS_BYTES)} softmax reads`,
    );
  }
  const bin = await readPart(binFile, 'weights file', { maxBytes: MAX_WEIGHTS_BYTES, expected });
  return { manifest, arrays: decodeWeights(manifest, bin, sha256, binFile, manifestFile) };
}

export const nodeBundleStore: BundleStore = { save: writeBundle, load: readBundle };

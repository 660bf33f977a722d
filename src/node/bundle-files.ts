/**
 * Bundles (`core/io/bundle.ts`) as directories: `model.json` and `weights.bin`, replaced atomically
 * (`writeDirAtomic`), read back verified. The Node platform's `BundleStore`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ModelFormatError, OutputError } from '../core/errors.js';
import { MANIFEST_FILE, decodeManifest, decodeWeights, encodeBundle } from '../core/io/bundle.js';
import type { Manifest, NamedArray } from '../core/io/bundle.js';
import type { BundleStore } from '../core/platform.js';
import { writeDirAtomic } from './atomic.js';
import { bundleKind } from './bundle-kind.js';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** What each kind of bundle is, in the words of the API that writes it. */
const KIND_NAMES: Readonly<Record<string, string>> = {
  model: 'model (saveParameters)',
  'trainer-states': 'trainer state (trainer.saveStates)',
  checkpoint: 'checkpoint',
};

/**
 * Writes `arrays` and a manifest (`meta` plus the header) to directory `dir`, replacing it atomically.
 * Throws `OutputError` when `dir` cannot be written, or holds a bundle of another kind; a previous
 * bundle there stays intact then.
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
  await writeDirAtomic(dir, files);
  return manifest;
}

/** Reads a file of the bundle; a missing or unreadable one is a `ModelFormatError`. */
async function readPart(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT' || code === 'ENOTDIR' ? `no such ${what}` : `cannot read the ${what} (${code ?? String(err)})`;
    throw new ModelFormatError(file, problem, { cause: err });
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
  const manifestFile = path.join(dir, MANIFEST_FILE);
  const text = await readPart(
    manifestFile,
    `${kind} manifest (expected a directory written by softmax holding ${MANIFEST_FILE})`,
  );
  const manifest = decodeManifest<M>(text.toString('utf8'), manifestFile, kind);
  const binFile = path.join(dir, manifest.weights.file);
  const bin = await readPart(binFile, 'weights file');
  return { manifest, arrays: decodeWeights(manifest, bin, sha256, binFile, manifestFile) };
}

export const nodeBundleStore: BundleStore = { save: writeBundle, load: readBundle };

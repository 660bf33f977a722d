/**
 * The on-disk format of saved parameters, trainer states and (later) checkpoints: a directory with a
 * JSON manifest (`model.json`) and one binary file (`weights.bin`) holding named float32 arrays,
 * little-endian, concatenated in manifest order. The manifest records each array's name, shape,
 * dtype and byte range, and the SHA-256 of the binary file, so a reader can tell a truncated or
 * altered file from a good one before using a byte of it. This module encodes and decodes the bytes;
 * a platform's `BundleStore` (src/node/bundle-files.ts in Node) writes and reads them, atomically.
 */
import { ModelFormatError } from '../errors.js';
import { clip, quote } from '../quote.js';

export const MANIFEST_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
/** Bump when a reader of the old version could misread the new one. */
export const FORMAT_VERSION = 1;

/** A named float32 array, row-major, with its shape. */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Where one array lives in `weights.bin`. */
export interface ArrayEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  byteOffset: number;
  byteLength: number;
}

/** What every manifest holds; `kind` says what the arrays are ('model', 'trainer-states', ...). */
export interface BundleHeader {
  format: 'softmax';
  formatVersion: number;
  kind: string;
  weights: { file: string; byteLength: number; sha256: string; arrays: ArrayEntry[] };
  /**
   * SHA-256 of the writer's own fields (`metaDigest`), so an edited or damaged manifest is told from
   * a good one as `weights.sha256` tells damaged weights. Absent in bundles of older versions.
   */
  metaSha256?: string;
}

/** The keys of the header; every other key of a manifest is the writer's (`meta`). */
const HEADER_KEYS: readonly string[] = ['format', 'formatVersion', 'kind', 'weights', 'metaSha256'];

/**
 * The digest of a manifest's own fields: SHA-256 of their JSON in the order written. `JSON.parse`
 * keeps that order and `JSON.stringify` prints a parsed number as it was written, so a reader
 * computes the writer's digest from the parsed manifest.
 */
export function metaDigest(manifest: object, sha256: Sha256): string {
  const own = Object.fromEntries(Object.entries(manifest).filter(([k]) => !HEADER_KEYS.includes(k)));
  return sha256(new TextEncoder().encode(JSON.stringify(own)));
}

/** A manifest: the header plus whatever the writer adds (architecture, class names, metrics...). */
export type Manifest<M extends object> = BundleHeader & M;

/** A SHA-256 as lowercase hex, supplied by the platform (Node's crypto, say). */
export type Sha256 = (bytes: Uint8Array) => string;

/** Concatenates the arrays as little-endian float32 and describes them. */
function pack(arrays: readonly NamedArray[]): { bin: Uint8Array; entries: ArrayEntry[] } {
  const total = arrays.reduce((s, a) => s + a.data.length * 4, 0);
  const bin = new Uint8Array(total);
  const view = new DataView(bin.buffer);
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const { name, shape, data } of arrays) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length)
      throw new RangeError(`Array '${name}' has ${data.length} values but shape [${shape}] holds ${size}.`);
    entries.push({ name, shape: [...shape], dtype: 'float32', byteOffset: offset, byteLength: data.length * 4 });
    for (let i = 0; i < data.length; i++) view.setFloat32(offset + i * 4, data[i] ?? 0, true);
    offset += data.length * 4;
  }
  return { bin, entries };
}

/**
 * The files of a bundle holding `arrays`: the manifest (`meta` plus the header) and the binary file.
 * A platform's store writes them, replacing a previous bundle atomically.
 */
export function encodeBundle<M extends object>(
  kind: string,
  meta: M,
  arrays: readonly NamedArray[],
  sha256: Sha256,
): { manifest: Manifest<M>; files: { [MANIFEST_FILE]: string; [WEIGHTS_FILE]: Uint8Array } } {
  const { bin, entries } = pack(arrays);
  const header: BundleHeader = {
    format: 'softmax',
    formatVersion: FORMAT_VERSION,
    kind,
    weights: { file: WEIGHTS_FILE, byteLength: bin.length, sha256: sha256(bin), arrays: entries },
    metaSha256: metaDigest(meta, sha256),
  };
  const manifest = { ...meta, ...header };
  return { manifest, files: { [MANIFEST_FILE]: `${JSON.stringify(manifest, null, 2)}\n`, [WEIGHTS_FILE]: bin } };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isEntry = (e: unknown): e is ArrayEntry =>
  isObject(e) &&
  typeof e['name'] === 'string' &&
  Array.isArray(e['shape']) &&
  e['shape'].every(isCount) &&
  typeof e['dtype'] === 'string' &&
  isCount(e['byteOffset']) &&
  isCount(e['byteLength']);

/** Checks the header fields a reader relies on; throws `ModelFormatError` naming the first bad one. */
function checkHeader(manifest: Json, file: string, kind: string): BundleHeader {
  const fail = (problem: string): never => {
    throw new ModelFormatError(file, problem);
  };
  if (manifest['format'] !== 'softmax') fail(`not a softmax ${kind} manifest (no "format": "softmax")`);
  if (manifest['formatVersion'] !== FORMAT_VERSION) {
    fail(
      `format version ${quote(manifest['formatVersion'])} is not supported ` +
        `(this softmax reads version ${FORMAT_VERSION})`,
    );
  }
  if (manifest['kind'] !== kind) fail(`holds ${quote(manifest['kind'])}, expected ${kind}`);
  const weights = manifest['weights'];
  if (
    !isObject(weights) ||
    !Array.isArray(weights['arrays']) ||
    typeof weights['sha256'] !== 'string' ||
    typeof weights['byteLength'] !== 'number'
  ) {
    fail('the "weights" section is missing or malformed');
  }
  const { file: name, arrays } = weights as Json;
  // Only a file beside the manifest: a manifest must not make the reader open arbitrary paths.
  if (typeof name !== 'string' || /[/\\]/.test(name) || name === '..' || name === '.' || name === '')
    fail(`the weights file name ${quote(name)} is not a plain file name`);
  (arrays as unknown[]).forEach((e, i) => {
    if (!isEntry(e))
      fail(
        `array entry ${i} is malformed (expected name, shape of non-negative integers, dtype, byteOffset, byteLength)`,
      );
  });
  return manifest as unknown as BundleHeader;
}

/** Deepest nesting of arrays and objects a manifest may have (a model's is 4 deep, a checkpoint's 5). */
export const MAX_MANIFEST_DEPTH = 32;

/** The nesting depth of JSON `text` (brackets outside strings), stopping as soon as it exceeds `limit`. */
function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * The manifest of a bundle of `kind` from its text; `file` names it in errors. Checks every header
 * field a reader relies on and, when the manifest has one, the digest of its own fields (`sha256`
 * computes it); throws `ModelFormatError` for anything else (not JSON, nested too deeply, not ours,
 * another kind, edited).
 */
export function decodeManifest<M extends object>(
  text: string,
  file: string,
  kind: string,
  sha256?: Sha256,
): Manifest<M> {
  // Parsing is iterative, but code walking the result recurses: a deep one would overflow its stack.
  if (jsonDepth(text, MAX_MANIFEST_DEPTH) > MAX_MANIFEST_DEPTH)
    throw new ModelFormatError(file, `nests deeper than ${MAX_MANIFEST_DEPTH} levels; not a softmax manifest`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ModelFormatError(
      file,
      `not valid JSON (${clip((err as Error).message)}); the file is truncated or not a manifest`,
      { cause: err },
    );
  }
  if (!isObject(parsed)) throw new ModelFormatError(file, 'not a JSON object; not a softmax manifest');
  checkHeader(parsed, file, kind);
  const digest = parsed['metaSha256'];
  if (digest !== undefined && sha256 !== undefined && digest !== metaDigest(parsed, sha256)) {
    throw new ModelFormatError(
      file,
      'its fields do not match the digest written with them (metaSha256): the manifest was edited or damaged',
    );
  }
  return parsed as unknown as Manifest<M>;
}

/**
 * The arrays of a bundle by name from its binary file `bin` (named `binFile` in errors). Checks the
 * length and SHA-256 the manifest records and every array's byte range; throws `ModelFormatError`.
 */
export function decodeWeights(
  header: BundleHeader,
  bin: Uint8Array,
  sha256: Sha256,
  binFile: string,
  manifestFile: string,
): Map<string, NamedArray> {
  if (bin.length !== header.weights.byteLength) {
    throw new ModelFormatError(
      binFile,
      `holds ${bin.length} bytes, the manifest says ${header.weights.byteLength}: ` +
        'the file is truncated or from another save',
    );
  }
  const actual = sha256(bin);
  if (actual !== header.weights.sha256) {
    throw new ModelFormatError(
      binFile,
      `sha256 is ${actual}, the manifest says ${header.weights.sha256}: the file is corrupt or from another save`,
    );
  }
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const arrays = new Map<string, NamedArray>();
  for (const e of header.weights.arrays) {
    const size = e.shape.reduce((a, b) => a * b, 1);
    if (
      e.dtype !== 'float32' ||
      e.byteLength !== size * 4 ||
      e.byteOffset < 0 ||
      e.byteOffset + e.byteLength > bin.length
    ) {
      throw new ModelFormatError(
        manifestFile,
        `array ${quote(e.name)} (shape ${quote(e.shape)}, ${quote(e.dtype)}) does not fit its byte range`,
      );
    }
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = view.getFloat32(e.byteOffset + i * 4, true);
    arrays.set(e.name, { name: e.name, shape: e.shape, data });
  }
  return arrays;
}

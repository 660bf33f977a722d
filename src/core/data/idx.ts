/**
 * The IDX format of LeCun's MNIST files, which Fashion-MNIST keeps: big-endian, two zero bytes, a type
 * byte, a dimension count, one uint32 per dimension, then the data row-major. Only unsigned-byte data
 * (type 0x08) is read: it is all MNIST and Fashion-MNIST use.
 *
 * The parser is strict: every length is checked against the header before anything is allocated or
 * read, so a cut or padded file fails with a message that names the file and both numbers.
 */
import { assert, IdxFormatError } from '../errors.js';

/** A parsed IDX file: its dimensions and a view of exactly its payload. */
export interface Idx {
  dims: number[];
  data: Uint8Array;
}

/** Images read from an IDX file: `count` images of `rows × cols` uint8 pixels, row-major. */
export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

/** Upper bound on a decompressed file (Fashion-MNIST's largest is 47,040,016 bytes); stops gzip bombs. */
export const MAX_IDX_BYTES = 128 * 1024 * 1024;

/** Whether `bytes` start with the gzip magic `1f 8b` (the platform decompresses; see src/node/data/gunzip.ts). */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};
const MAX_DIMS = 3;

const hex = (n: number, digits: number): string => `0x${n.toString(16).padStart(digits, '0')}`;
const shape = (dims: readonly number[]): string => `[${dims.join(', ')}]`;

/** What an IDX header says: the dimensions, the header's length and the payload's. */
export interface IdxHeader {
  dims: number[];
  headerBytes: number;
  payloadBytes: number;
}

/** The largest IDX header (3 dimensions): what a reader needs to see of a file before deciding to read it. */
export const MAX_IDX_HEADER_BYTES = 4 + 4 * 3;

/**
 * Parses the header of an IDX file of unsigned bytes from its first bytes (`MAX_IDX_HEADER_BYTES`
 * suffice), so a reader can check a file's length before reading it. Throws `IdxFormatError` on a
 * gzip or bad magic, a type other than 0x08, 0 or more than 3 dimensions, or a cut header.
 */
export function parseIdxHeader(raw: Uint8Array, file: string): IdxHeader {
  const fail = (problem: string): never => {
    throw new IdxFormatError(file, problem);
  };
  if (isGzip(raw)) fail('is gzip-compressed: decompress it before parsing');
  if (raw.length < 4) fail(`too short for an IDX header: ${raw.length} bytes, expected at least 4`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0);
  if (raw[0] !== 0 || raw[1] !== 0) {
    fail(`bad magic number ${hex(magic, 8)}: expected two zero bytes first (0x00000803 for images)`);
  }
  const type = raw[2];
  if (type !== UNSIGNED_BYTE) {
    const name = TYPE_NAMES[type] ?? 'unknown type';
    fail(`data type ${hex(type, 2)} (${name}) is not supported: expected 0x08 (unsigned byte)`);
  }
  const ndim = raw[3];
  if (ndim < 1 || ndim > MAX_DIMS) fail(`has ${ndim} dimensions: expected 1 to ${MAX_DIMS}`);
  const headerBytes = 4 + 4 * ndim;
  if (raw.length < headerBytes) {
    fail(`header of ${ndim} dimensions needs ${headerBytes} bytes, file has ${raw.length}`);
  }
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  return { dims, headerBytes, payloadBytes: dims.reduce((a, b) => a * b, 1) };
}

/** The problem with an IDX file of `fileBytes` bytes whose header is `header`, or undefined if its length fits. */
export function idxLengthProblem(
  { dims, headerBytes, payloadBytes }: IdxHeader,
  fileBytes: number,
): string | undefined {
  const actual = fileBytes - headerBytes;
  if (actual === payloadBytes) return undefined;
  const what = actual < payloadBytes ? 'truncated' : `${actual - payloadBytes} trailing bytes`;
  return `${what}: header says ${payloadBytes} bytes of data ${shape(dims)}, file has ${actual}`;
}

/**
 * Parses an IDX file of unsigned bytes (decompressed: a gzipped file is refused with a message saying so).
 *
 * Inputs: the file's bytes; `file` names it in error messages.
 * Output: `{ dims, data }` with `data` a view of the `dims.reduce(×)` payload bytes.
 * Throws `IdxFormatError` on a bad magic, a type other than 0x08, 0 or more than 3 dimensions, or a
 * payload that is shorter (truncated) or longer (trailing bytes) than the header says.
 */
export function parseIdx(raw: Uint8Array, file: string): Idx {
  const header = parseIdxHeader(raw, file);
  const problem = idxLengthProblem(header, raw.length);
  if (problem !== undefined) throw new IdxFormatError(file, problem);
  return {
    dims: header.dims,
    data: new Uint8Array(raw.buffer, raw.byteOffset + header.headerBytes, header.payloadBytes),
  };
}

/** Reads an images file: 3 dimensions `[count, rows, cols]` with the expected `rows × cols`. */
export function readImages(
  bytes: Uint8Array,
  file: string,
  { rows = 28, cols = 28 }: { rows?: number; cols?: number } = {},
): IdxImages {
  const { dims, data } = parseIdx(bytes, file);
  if (dims.length !== 3) {
    throw new IdxFormatError(file, `expected 3 dimensions [count, ${rows}, ${cols}] for images, found ${shape(dims)}`);
  }
  const [count, r, c] = dims as [number, number, number];
  if (r !== rows || c !== cols) {
    throw new IdxFormatError(file, `images are ${r}x${c}: expected ${rows}x${cols}`);
  }
  return { count, rows, cols, pixels: data };
}

/** Reads a labels file: 1 dimension `[count]`, every label in `0..numClasses-1`. */
export function readLabels(bytes: Uint8Array, file: string, numClasses = 10): Uint8Array {
  const { dims, data } = parseIdx(bytes, file);
  if (dims.length !== 1) {
    throw new IdxFormatError(file, `expected 1 dimension [count] for labels, found ${shape(dims)}`);
  }
  const bad = data.findIndex((label) => label >= numClasses);
  if (bad >= 0) {
    throw new IdxFormatError(file, `label ${data[bad]} at index ${bad} is out of range: expected 0..${numClasses - 1}`);
  }
  return data;
}

/**
 * Encodes an unsigned-byte IDX file (plain, not gzipped): the inverse of `parseIdx`.
 * Output: a new buffer of `4 + 4·dims.length + data.length` bytes; the caller owns it.
 */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  assert(
    dims.length >= 1 && dims.length <= MAX_DIMS && dims.every((d) => Number.isInteger(d) && d >= 0),
    () => `Expected 1 to ${MAX_DIMS} non-negative integer dimensions, but got ${shape(dims)}.`,
  );
  const size = dims.reduce((a, b) => a * b, 1);
  assert(size === data.length, () => `Dimensions ${shape(dims)} hold ${size} bytes, but data has ${data.length}.`);
  const headerBytes = 4 + 4 * dims.length;
  const out = new Uint8Array(headerBytes + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, (UNSIGNED_BYTE << 8) | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, headerBytes);
  return out;
}

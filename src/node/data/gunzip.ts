/**
 * Decompression of gzipped IDX files, bounded: a corrupt or cut stream, or one that inflates past
 * `maxBytes` (a gzip bomb), throws `IdxFormatError`.
 */
import { promisify } from 'node:util';
import { gunzip, gunzipSync } from 'node:zlib';
import { IdxFormatError } from '../../core/errors.js';
import { MAX_IDX_BYTES, isGzip } from '../../core/data/idx.js';

/**
 * Returns `bytes` unchanged, or their gunzipped content if they start with the gzip magic `1f 8b`.
 * A corrupt or cut stream, or one that inflates past `maxBytes`, throws `IdxFormatError`.
 */
export function gunzipIfCompressed(bytes: Uint8Array, file: string, maxBytes = MAX_IDX_BYTES): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, gunzipOptions(bytes, maxBytes));
  } catch (err) {
    throw gunzipError(err, file, maxBytes);
  }
}

/** `gunzipIfCompressed` on a thread of libuv's pool (several files decompress at once, off this thread). */
export async function gunzipIfCompressedAsync(
  bytes: Uint8Array,
  file: string,
  maxBytes = MAX_IDX_BYTES,
): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    return await gunzipAsync(bytes, gunzipOptions(bytes, maxBytes));
  } catch (err) {
    throw gunzipError(err, file, maxBytes);
  }
}

const gunzipAsync = promisify(gunzip);

/**
 * zlib writes its output in chunks and then copies them into one buffer. A gzip file ends with its
 * content's size (mod 2^32): one chunk that large holds it all, with no copy. The size is only a hint
 * (a damaged file may lie), so the chunk is capped by what the compressed bytes could expand to
 * (deflate's best ratio is about 1032:1) and by `maxBytes`.
 */
function gunzipOptions(bytes: Uint8Array, maxBytes: number): { maxOutputLength: number; chunkSize?: number } {
  const options = { maxOutputLength: maxBytes };
  if (bytes.length < 18) return options;
  const stated = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(bytes.length - 4, true);
  const chunkSize = Math.min(stated + 1, bytes.length * 1032, maxBytes + 1);
  return chunkSize > 64 * 1024 ? { ...options, chunkSize } : options;
}

function gunzipError(err: unknown, file: string, maxBytes: number): IdxFormatError {
  const code = (err as NodeJS.ErrnoException).code;
  return new IdxFormatError(
    file,
    code === 'ERR_BUFFER_TOO_LARGE'
      ? `decompresses to more than ${maxBytes} bytes, the most an IDX file may have here`
      : `corrupt gzip stream (${(err as Error).message}): expected a complete gzip file`,
    { cause: err },
  );
}

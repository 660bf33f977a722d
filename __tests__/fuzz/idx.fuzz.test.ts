/**
 * Hostile IDX input (issue 5): random bytes and mutated valid files, plain and gzipped, cut anywhere.
 * Every case either parses into exactly the payload its header announces (never more bytes than the
 * decompressed input holds) or throws `IdxFormatError`; anything else fails the property. At most
 * `MAX` decompressed bytes are ever allowed, so a gzip bomb is an error too.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeIdx, parseIdx as parsePlain, readImages, readLabels } from '../../src/core/data/idx.js';
import { gunzipIfCompressed } from '../../src/node/data/gunzip.js';

/** A file's bytes as the data store parses them: gunzipped (bounded) when gzipped, then parsed. */
const parseIdx = (bytes: Uint8Array, file: string, { maxBytes }: { maxBytes?: number } = {}) =>
  parsePlain(gunzipIfCompressed(bytes, file, maxBytes), file);
import { IdxFormatError } from '../../src/core/errors.js';
import { FuzzStats } from './stats.js';

const MAX = 1 << 16;
const stats = new FuzzStats('idx');
afterAll(() => stats.report());

/** Decompressed size of `bytes` as parseIdx sees it (capped at MAX + 1: over the cap is an error anyway). */
function plainLength(bytes: Uint8Array): number {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes.length;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX + 1 }).length;
  } catch {
    return -1;
  }
}

/** The property: a correct parse, or IdxFormatError; nothing else, nothing slow. */
function check(bytes: Uint8Array): void {
  const start = performance.now();
  try {
    const { dims, data } = parseIdx(bytes, 'fuzz', { maxBytes: MAX });
    expect(data.length).toBe(dims.reduce((a, b) => a * b, 1));
    expect(data.length).toBeLessThanOrEqual(plainLength(bytes));
    for (const read of [
      () => readImages(gunzipIfCompressed(bytes, 'fuzz', MAX), 'fuzz'),
      () => readLabels(gunzipIfCompressed(bytes, 'fuzz', MAX), 'fuzz'),
    ]) {
      try {
        read();
      } catch (err) {
        if (!(err instanceof IdxFormatError)) throw err;
      }
    }
    stats.ok();
  } catch (err) {
    if (!(err instanceof IdxFormatError)) throw err;
    stats.error(err, err.problem);
  }
  expect(performance.now() - start).toBeLessThan(1000);
}

const validFile = fc
  .record({
    dims: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 3 }),
    fill: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ dims, fill }) => encodeIdx(dims, new Uint8Array(dims.reduce((a, b) => a * b, 1)).fill(fill)));

type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'cut'; at: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'dim'; which: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({
    kind: fc.constant('dim' as const),
    which: fc.integer({ min: 0, max: 2 }),
    value: fc.oneof(fc.nat(8), fc.constant(0xffffffff), fc.nat()),
  }),
);

function mutate(file: Uint8Array, m: Mutation): Uint8Array {
  const out = Uint8Array.from(file);
  switch (m.kind) {
    case 'set':
      if (out.length > 0) out[m.at % out.length] = m.value;
      return out;
    case 'cut':
      return out.subarray(0, m.at % (out.length + 1));
    case 'append':
      return Uint8Array.from([...out, ...m.bytes]);
    case 'dim':
      if (out.length >= 8 + 4 * m.which) new DataView(out.buffer).setUint32(4 + 4 * m.which, m.value >>> 0);
      return out;
  }
}

describe('parseIdx on hostile input', () => {
  it('random bytes (some behind a valid magic)', () => {
    const header = fc.constantFrom([], [0, 0], [0, 0, 8], [0, 0, 8, 1], [0, 0, 8, 3], [0x1f, 0x8b]);
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 64 }), (h, rest) => check(Uint8Array.from([...h, ...rest]))),
      { numRuns: 4000 },
    );
  });

  it('valid files with up to three mutations (header bytes, dimensions, lengths)', () => {
    fc.assert(
      fc.property(validFile, fc.array(mutation, { maxLength: 3 }), (file, ms) => {
        const bytes = ms.reduce(mutate, file);
        if (ms.length === 0)
          expect([...parseIdx(bytes, 'fuzz').data]).toEqual([
            ...file.subarray(file.length - parseIdx(file, 'fuzz').data.length),
          ]);
        check(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it('gzip streams of valid or mutated files, cut or altered anywhere', () => {
    fc.assert(
      fc.property(
        validFile,
        fc.array(mutation, { maxLength: 1 }),
        fc.array(mutation, { maxLength: 2 }),
        (file, before, after) => {
          check(after.reduce(mutate, gzipSync(before.reduce(mutate, file))));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a gzip bomb (a small file inflating past maxBytes) is an IdxFormatError, not an allocation', () => {
    const bomb = gzipSync(new Uint8Array(64 * MAX));
    expect(bomb.length).toBeLessThan(MAX);
    expect(() => parseIdx(bomb, 'bomb', { maxBytes: MAX })).toThrow(/decompresses to more than 65536 bytes/);
    fc.assert(
      fc.property(fc.nat(bomb.length), (at) => check(bomb.subarray(0, at))),
      { numRuns: 200 },
    );
  });
});

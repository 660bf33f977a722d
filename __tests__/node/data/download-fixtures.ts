/**
 * Fixtures for the downloader tests: small fake data sets (gzipped IDX files made here, with their
 * digests in a table of the same shape as the real ones) and an HTTP server on 127.0.0.1 whose answers
 * each test scripts, request by request. Nothing reaches the internet.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { DatasetInfo, IdxFileInfo } from '../../../src/core/data/datasets.js';
import { encodeIdx } from '../../../src/core/data/idx.js';

export interface FakeDataset {
  info: DatasetInfo;
  /** File name → the gzipped bytes a mirror serves. */
  served: Record<string, Buffer>;
}

const NAMES = {
  train: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'],
  test: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
} as const;

/**
 * Four gzipped IDX files of `count` examples (train) and `count - 1` (test), verified by the SHA-256 of
 * their content (`sha256`, as Fashion-MNIST) or the MD5 of their archive (`md5`, as MNIST). `fill`
 * varies the pixels, so two fakes differ.
 */
export function fakeDataset({
  count = 5,
  digest = 'sha256',
  fill = 7,
}: { count?: number; digest?: 'sha256' | 'md5'; fill?: number } = {}): FakeDataset {
  const served: Record<string, Buffer> = {};
  const entry = (file: string, content: Uint8Array): IdxFileInfo => {
    served[file] = gzipSync(content);
    const hash = (algorithm: string, bytes: Uint8Array) => createHash(algorithm).update(bytes).digest('hex');
    return digest === 'sha256'
      ? { file, bytes: content.length, sha256: hash('sha256', content) }
      : { file, bytes: content.length, md5: hash('md5', served[file]!) };
  };
  const split = ([images, labels]: readonly [string, string], n: number) => ({
    images: entry(
      images,
      encodeIdx(
        [n, 28, 28],
        Uint8Array.from({ length: n * 784 }, (_, i) => (i * fill) % 256),
      ),
    ),
    labels: entry(
      labels,
      encodeIdx(
        [n],
        Uint8Array.from({ length: n }, (_, i) => i % 10),
      ),
    ),
  });
  const info: DatasetInfo = {
    name: `fake-${digest}`,
    title: 'Fake-MNIST',
    files: { train: split(NAMES.train, count), test: split(NAMES.test, count - 1) },
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    mirrors: ['http://127.0.0.1:9/unused/'],
    howToGet: "Pass --data-dir, or run 'apt-get install dataset-fashion-mnist'.",
  };
  return { info, served };
}

/** Answers one request; `n` counts earlier requests for the same path. */
export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Serves `body`, honouring `Range: bytes=N-` with a 206 (as S3 does). */
export const serve =
  (body: Buffer, { ignoreRange = false } = {}): Handler =>
  (req, res) => {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && !ignoreRange) {
      const start = Number(range[1]);
      if (start >= body.length) return void res.writeHead(416).end();
      res.writeHead(206, {
        'content-length': body.length - start,
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
      });
      return void res.end(body.subarray(start));
    }
    res.writeHead(200, { 'content-length': body.length }).end(body);
  };

export const status =
  (code: number): Handler =>
  (_, res) =>
    void res.writeHead(code).end(`status ${code}`);

export const redirect =
  (location: string, code = 302): Handler =>
  (_, res) =>
    void res.writeHead(code, { location }).end();

/**
 * Promises the whole body, sends `sent` bytes, then (once the client has had time to read them) cuts
 * the connection: `reset` (RST) or `end` (FIN).
 */
export const cut =
  (body: Buffer, sent: number, how: 'reset' | 'end'): Handler =>
  (_, res) => {
    res.writeHead(200, { 'content-length': body.length });
    res.write(body.subarray(0, sent), () =>
      setTimeout(() => (how === 'reset' ? res.socket?.resetAndDestroy() : res.socket?.end()), 50),
    );
  };

/** Promises the whole body, sends `sent` bytes, then goes silent with the connection open. */
export const stall =
  (body: Buffer, sent: number): Handler =>
  (_, res) => {
    res.writeHead(200, { 'content-length': body.length });
    res.write(body.subarray(0, sent));
  };

export interface TestServer {
  /** Base URL, ending in '/'. */
  url: string;
  /** Requests received, in order: path and Range header. */
  requests: { path: string; range: string | undefined }[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 (ephemeral port). `routes` maps a path to a handler, or to a list used
 * one per request (the last one repeats); unknown paths get 404.
 */
export async function startServer(routes: Record<string, Handler | Handler[]>): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push({ path: url, range: req.headers.range });
    const n = counts.get(url) ?? 0;
    counts.set(url, n + 1);
    const route = routes[url];
    const handler = Array.isArray(route) ? route[Math.min(n, route.length - 1)] : route;
    (handler ?? status(404))(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Routes serving every file of `fake` under `prefix` (e.g. '/a/'). */
export function serveAll(fake: FakeDataset, prefix = '/'): Record<string, Handler> {
  return Object.fromEntries(Object.entries(fake.served).map(([name, body]) => [`${prefix}${name}`, serve(body)]));
}

/** The names in `dir`, sorted. */
export const listing = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [])).sort();

/** Fast network settings for tests: small timeouts, tiny retry delays. */
export const FAST = { connectTimeoutMs: 2000, idleTimeoutMs: 2000, retryDelaysMs: [1, 1] };

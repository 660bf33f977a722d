#!/usr/bin/env node
// `npm install` hook: builds the optional native addon (OpenBLAS sgemm + batch assembly) from source
// with node-gyp. The addon is optional: if it cannot build (no BLAS headers, no compiler), this says
// why and exits 0, and `softmax` runs on the next backend (wasm). SOFTMAX_SKIP_NATIVE=1 skips it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stderr.write(`softmax: ${line}\n`);

if (process.env.SOFTMAX_SKIP_NATIVE) {
  say('SOFTMAX_SKIP_NATIVE is set: not building the native blas backend.');
  process.exit(0);
}

// npm gives install scripts the path of its bundled node-gyp; fall back to one on PATH.
const gyp = process.env.npm_config_node_gyp;
const [cmd, pre] = gyp && existsSync(gyp) ? [process.execPath, [gyp]] : ['node-gyp', []];
const args = [...pre, 'rebuild', '--release', '-j', '2'];
// Build against the headers of the running Node when they are installed (Debian's nodejs ships them),
// so node-gyp need not download them: these machines may have no internet.
const prefix = resolve(dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include/node/node_api.h')))
  args.push(`--nodedir=${prefix}`);

const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
if (r.status === 0) {
  say('built the native blas backend (OpenBLAS).');
} else {
  const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  const reason =
    out.match(/fatal error: [^\n]*/)?.[0] ??
    out.match(/cannot find -l[^\n]*/)?.[0] ??
    r.error?.message ??
    out.split('\n').find((l) => l.includes('ERR!')) ??
    `node-gyp exited with ${r.status}`;
  say(`the optional native blas backend was not built (${reason.trim()}).`);
  say(
    'training will use the wasm backend. For the faster one: apt-get install -y libopenblas-dev g++ make python3, then npm run rebuild:native.',
  );
}

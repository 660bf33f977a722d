/**
 * The layering rules (STYLE §1): `cli → node → core`, core imports nothing outside core and nothing
 * that ties it to Node, no cycles between files or between folders. `npm test` runs
 * `npm run lint:deps`; anyone can run `npx depcruise src --output-type err`.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle between files, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      comment: 'No cycle between folders either (nn ↔ io, d2l ↔ fit...): each folder is a layer.',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-stays-core',
      severity: 'error',
      comment: 'src/core runs anywhere tfjs runs: it imports no platform adapter and no command.',
      from: { path: '^src/core/' },
      to: { path: '^src/(node|browser|cli)/' },
    },
    {
      name: 'node-not-to-cli',
      severity: 'error',
      comment: 'The Node adapters know nothing of the command line.',
      from: { path: '^src/node/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'core-no-node-builtins',
      severity: 'error',
      comment: 'No node:* (fs, path, crypto, zlib, http...) in src/core.',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-only-neutral-packages',
      severity: 'error',
      comment:
        'src/core depends only on packages that run in a browser and a worker: tfjs-core, its cpu and wasm backends, the union package (for its gradients), seedrandom, vega-lite (types).',
      from: { path: '^src/core/' },
      to: {
        dependencyTypesNot: ['local', 'core'],
        pathNot:
          '^node_modules/(@tensorflow/(tfjs-core|tfjs-backend-cpu|tfjs-backend-wasm|tfjs)|seedrandom|vega-lite)/',
      },
    },
    {
      name: 'not-to-tests',
      severity: 'error',
      comment: 'Sources never import the tests.',
      from: { path: '^src/' },
      to: { path: '^__tests__/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'Every import resolves (optional @tensorflow/tfjs-node may be absent: it is loaded by a guarded require).',
      from: {},
      to: { couldNotResolve: true, pathNot: '^@tensorflow/tfjs-node$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    moduleSystems: ['cjs', 'es6'],
  },
};

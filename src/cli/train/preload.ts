/**
 * Loads TensorFlow.js's modules one at a time, letting the event loop run between them. Requiring
 * them takes about 0.3 s of this thread; I/O started before (the data set's reads) meanwhile gets to
 * start its next steps on libuv's threads instead of waiting for all of it. The modules are the ones
 * `./index.js` loads anyway (the same instances, from the module cache).
 */
const MODULES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-converter',
  '@tensorflow/tfjs',
];

export async function loadTfjsInSteps(): Promise<void> {
  for (const name of MODULES) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(name);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * TensorFlow.js as the rest of the library sees it: tfjs-core's API, with the cpu backend and every
 * gradient registered. Everything imports `tf` from here and uses tfjs-core's API alone, so every
 * backend runs the same program.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's CommonJS build registers no gradients; the union package registers all of them (in
// tfjs' global registry, shared by every copy). Imported once, here, for that side effect.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';

export { tf };

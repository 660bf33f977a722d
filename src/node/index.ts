/**
 * The package's entry in Node (`softmax`): the public API (src/core/api.ts) with the Node platform
 * installed. The book's helpers are `softmax/d2l`, the fit loop `softmax/fit`, Node's adapters
 * `softmax/node`, and the runtime-neutral core (for a platform of your own) `softmax/core`.
 */
import './setup.js';

export * from '../core/api.js';

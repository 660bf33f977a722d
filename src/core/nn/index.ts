export { Block } from './block.js';
export { Dense } from './dense.js';
export type { ActivationName, DenseOptions } from './dense.js';
export { Parameter } from './parameter.js';
export type { ParameterOptions } from './parameter.js';
export { Sequential } from './sequential.js';

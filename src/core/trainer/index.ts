export { Trainer } from './trainer.js';
export type { OptimizerName, TrainerOptions } from './trainer.js';
export { adamUpdate, sgdUpdate } from './sgd.js';
export type { AdamHyper, SgdHyper } from './sgd.js';

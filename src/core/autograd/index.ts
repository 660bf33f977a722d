export { record } from './record.js';
export type { RecordOutputs, Recording } from './record.js';

export { isRecording, isTraining, predictMode, trainMode } from '../mode.js';
export { record } from './record.js';
export type { RecordOptions, RecordOutputs, Recording } from './record.js';

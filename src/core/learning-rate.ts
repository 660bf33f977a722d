/**
 * Whether `lr` is a learning rate the float32 kernels can use (Trainer, scratch sgd, `--lr`): positive
 * and finite once rounded to float32, where they compute (1e-46 rounds to 0 and trains nothing; 1e39
 * to Infinity).
 */
export function isUsableLearningRate(lr: number): boolean {
  const f = Math.fround(lr);
  return Number.isFinite(f) && f > 0;
}

/**
 * The row-wise part of the sparse softmax cross-entropy kernels, as the composite's cpu kernels
 * compute it: float32 after every operation, sums in double in the same order, the max taken as the
 * cpu Max takes it (NaN wins). So the fused kernels' values equal the composite's bit for bit.
 */

const fround = Math.fround;

/** MXNet's pick (mode 'clip'): a label below 0 is 0, one past the last class is the last. */
export const clipLabel = (label: number, classes: number): number =>
  label > classes - 1 ? classes - 1 : label < 0 ? 0 : label;

/**
 * Per row of `z` [rows, classes], with labels clipped to [0, classes − 1]: `shifted = z − max` (NaN
 * wins the max), `e = exp(shifted)`, `sums = Σ e`, `picked = shifted[label]`, `probs = e / sums`.
 */
export type SoftmaxRows = (
  z: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: number,
  classes: number,
  probs: Float32Array,
  sums: Float32Array,
  picked: Float32Array,
) => void;

export const softmaxRowsJs: SoftmaxRows = (z, labels, rows, classes, probs, sums, picked) => {
  for (let i = 0; i < rows; i++) {
    const row = i * classes;
    let max = z[row] as number;
    for (let j = 0; j < classes; j++) {
      const v = z[row + j] as number;
      if (Number.isNaN(v) || v > max) max = v;
    }
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      const e = fround(Math.exp(fround((z[row + j] as number) - max)));
      probs[row + j] = e; // exp for now; divided by the sum below
      sum += e;
    }
    const s = fround(sum);
    const label = clipLabel(labels[i] as number, classes);
    // The label's entry alone, as MXNet's pick reads it (a one-hot product would give 0·(-inf) = NaN
    // for a masked logit).
    const pick = fround((z[row + label] as number) - max);
    sums[i] = s;
    picked[i] = pick;
    for (let j = row; j < row + classes; j++) probs[j] = (probs[j] as number) / s;
  }
};

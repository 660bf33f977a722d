/** `SPARSE_SOFTMAX_CE_GRAD`: probabilities, labels and the loss gradient → `(p − oneHot(label))·dl`. */
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { tf } from '../tf.js';
import type { KernelImpl } from './impl.js';
import { clipLabel } from './softmax-rows.js';
import { checkLogitsAndLabels, valuesOf } from './sparse-softmax-ce.js';

export const SPARSE_SOFTMAX_CE_GRAD = 'SoftmaxJsSparseSoftmaxCrossEntropyGrad';

type Args = { inputs: tf.NamedTensorInfoMap; backend: MathBackendCPU };

/** The kernel function; `impl` allocates the output. */
export function sparseSoftmaxCeGradKernel(impl: KernelImpl): tf.KernelFunc {
  return ((args: unknown): tf.TensorInfo => {
    const { inputs, backend } = args as Args;
    const probsInfo = inputs['probs'] as tf.TensorInfo;
    const labelsInfo = inputs['labels'] as tf.TensorInfo;
    const dyInfo = inputs['dy'] as tf.TensorInfo;
    const { rows, classes } = checkLogitsAndLabels(SPARSE_SOFTMAX_CE_GRAD, probsInfo, labelsInfo);
    if (dyInfo.dtype !== 'float32' || tf.util.sizeFromShape(dyInfo.shape) !== rows) {
      throw new Error(
        `${SPARSE_SOFTMAX_CE_GRAD}: expected one float32 gradient per row, got ${dyInfo.dtype} [${dyInfo.shape}]`,
      );
    }
    const p = valuesOf(backend, probsInfo);
    const labels = valuesOf(backend, labelsInfo);
    const dy = valuesOf(backend, dyInfo);
    const grad = impl.output(backend, probsInfo.shape, rows * classes);
    for (let i = 0; i < rows; i++) {
      const row = i * classes;
      const label = clipLabel(labels[i] as number, classes);
      const d = dy[i] as number;
      for (let j = 0; j < classes; j++)
        grad.values[row + j] = Math.fround((p[row + j] as number) - (j === label ? 1 : 0)) * d;
    }
    return grad.info();
  }) as unknown as tf.KernelFunc;
}

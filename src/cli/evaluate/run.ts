/**
 * `softmax evaluate`, as a function: the saved model's figures on the test set. The CLI handler calls it;
 * tests call it with fakes.
 */
import * as path from 'node:path';
import { evaluate, formatEvaluation } from '../../core/d2l/evaluate-model.js';
import { formatFixed } from '../../core/d2l/format.js';
import { plotConfusion } from '../../node/render/charts.js';
import type { ModelArgs, ModelDeps } from '../model/open.js';
import { openModel, stdout, stopIfSignalled, testSet } from '../model/open.js';
import { RUN_CHECKPOINTS } from '../train/checkpoints.js';

export interface EvaluateArgs extends ModelArgs {
  /** The heat map's file (default confusion.png beside the model directory). */
  out?: string | undefined;
}

/** Test loss, accuracy, per-class accuracy and the confusion matrix (text table and heat map). */
export async function runEvaluate(
  args: EvaluateArgs,
  deps: ModelDeps,
): Promise<{ accuracy: number; loss: number; confusionFile: string }> {
  const print = deps.print ?? stdout;
  const loaded = await openModel(args, deps.logger);
  try {
    const testIter = await testSet(loaded, args, deps.logger, deps.signal);
    const e = evaluate(loaded.net, testIter, loaded.classes);
    stopIfSignalled(deps.signal, 'before writing the confusion matrix');
    for (const line of formatEvaluation(e)) print(line);
    // Beside the model directory: in the run directory for its model/ or one of its checkpoints.
    const beside = path.dirname(path.resolve(loaded.source));
    const home = path.basename(beside) === RUN_CHECKPOINTS ? path.dirname(beside) : beside;
    const file = args.out ?? path.join(home, 'confusion.png');
    const title = `Confusion matrix of ${args.model}`;
    const subtitle =
      `test acc ${formatFixed(e.accuracy, 3)} on ${e.count.toLocaleString('en-US')} images; ` +
      'cells: counts, color: share of the true class';
    await plotConfusion(e.confusion, loaded.classes, file, { title, subtitle });
    print(`confusion matrix picture: ${file}`);
    deps.logger.info({ loss: e.loss, accuracy: e.accuracy, perClass: e.perClass, file }, 'evaluated');
    return { accuracy: e.accuracy, loss: e.loss, confusionFile: file };
  } finally {
    loaded.net.dispose();
  }
}

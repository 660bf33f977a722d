// D2L §4.5 weight decay on the chapter's synthetic regression: `node examples/weight-decay.mjs`
import { initBackend, random } from 'softmax';
import { trainWeightDecayConcise, trainWeightDecayScratch, weightDecayData } from 'softmax/d2l';

await initBackend();
random.seed(0);

const data = weightDecayData(); // 20 training examples of 200 inputs: easy to over-fit
for (const [name, train] of [
  ['scratch, lambd', trainWeightDecayScratch],
  ['concise, wd', trainWeightDecayConcise],
]) {
  for (const lambd of [0, 3]) {
    const { curve, normW } = train(data, lambd);
    const { trainLoss, testLoss } = curve.at(-1);
    console.log(
      `${name} ${lambd}: train loss ${trainLoss.toExponential(2)}, test loss ${testLoss.toExponential(2)}, ` +
        `L2 norm of w ${normW.toFixed(4)}`,
    );
  }
}
data.dispose();

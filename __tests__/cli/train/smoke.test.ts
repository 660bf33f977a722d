/**
 * The training smoke test, always on (CI runs it): the real Fashion-MNIST on the wasm backend, one
 * epoch per implementation. SOFTMAX_LONG=1 (`npm run test:long`) adds the book's 10-epoch bar.
 */
import { silentLogger } from '../../../src/core/logger.js';
import { runTrain } from '../../../src/cli/train/run.js';
import type { TrainArgs } from '../../../src/cli/train/run.js';

const EPOCH_LINE = /^epoch \d+, loss \d+\.\d{4}, train acc [01]\.\d{3}, test acc [01]\.\d{3}$/;

async function train(args: Partial<TrainArgs>) {
  const lines: string[] = [];
  const result = await runTrain(
    { impl: 'concise', epochs: 1, batchSize: 256, lr: 0.1, seed: 0, backend: 'wasm', ...args },
    { logger: silentLogger, print: (line) => lines.push(line), notice: () => {} },
  );
  return { result, lines };
}

describe('training smoke test on the real data (wasm)', () => {
  it.each(['concise', 'scratch'] as const)('%s: one epoch reaches test acc > 0.75', async (impl) => {
    const { result, lines } = await train({ impl });
    expect(result.backend).toBe('wasm');
    expect(lines[0]).toBe(`training ${impl} softmax regression on wasm: 1 epoch, batch size 256, lr 0.1, seed 0`);
    expect(lines[1]).toMatch(EPOCH_LINE);
    expect(lines[2]).toMatch(/^\d+\.\d examples\/sec on wasm$/);
    const [epoch] = result.history;
    expect(epoch?.examples).toBe(60000);
    expect(epoch?.testAcc).toBeGreaterThan(0.75);
    expect(epoch?.trainAcc).toBeGreaterThan(0.7);
    expect(epoch?.loss).toBeLessThan(1);
  });

  it('the same seed on the same backend prints identical lines; another seed does not', async () => {
    const a = await train({ seed: 3 });
    const b = await train({ seed: 3 });
    const c = await train({ seed: 4 });
    expect(b.lines.slice(0, 2)).toEqual(a.lines.slice(0, 2));
    expect(c.lines[1]).not.toEqual(a.lines[1]);
  });

  (process.env['SOFTMAX_LONG']
    ? it.each(['concise', 'scratch'] as const)
    : it.skip.each(['concise', 'scratch'] as const))(
    "%s: 10 epochs meet the book's bar (train loss < 0.5, train and test acc > 0.7), no tensor growth",
    async (impl) => {
      const { result } = await train({ impl, epochs: 10 });
      const last = result.history[9];
      expect(last?.loss).toBeLessThan(0.5);
      expect(last?.trainAcc).toBeGreaterThan(0.7);
      expect(last?.testAcc).toBeGreaterThan(0.7);
      expect(new Set(result.history.map((m) => m.numTensors)).size).toBe(1);
    },
    600_000,
  );
});

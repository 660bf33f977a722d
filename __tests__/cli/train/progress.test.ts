/** The training bar: fitted to the terminal, the figures kept first, no made-up ETA, drawn at most 10 times a second. */
import { EpochProgress, formatFrame } from '../../../src/cli/train/progress.js';

const frame = { epoch: 2, epochs: 10, batch: 61, batches: 235, loss: 0.59912, acc: 0.80312, speed: 155729.4, eta: 1.2 };
// Escape sequences and the carriage return of each redraw, removed: what the terminal shows.
const visible = (w: string): string =>
  w.replace(new RegExp(String.raw`\u001b\[[0-9;?]*[A-Za-z]`, 'g'), '').replace(/\r/g, '');

describe('formatFrame', () => {
  it('at 200 columns shows everything', () => {
    const s = formatFrame(frame, 197);
    expect(s).toMatch(
      /^epoch 2\/10 \[=+-+\] 61\/235 batches \| 155,729 ex\/s \| loss 0\.5991, train acc 0\.803 \| ETA 1s$/,
    );
    expect(s.length).toBeLessThanOrEqual(197);
  });

  it('narrower than its shortest layout, gives that layout (the status line cuts it)', () => {
    expect(formatFrame(frame, 40)).toBe('epoch 2/10 61/235 | loss 0.5991, train acc 0.803');
  });

  it.each([77, 60, 50])('at width %i keeps the figures and fits', (width) => {
    const s = formatFrame(frame, width);
    expect(s.length).toBeLessThanOrEqual(width);
    expect(s).toContain('epoch 2/10');
    expect(s).toContain('61/235');
    expect(s).toContain('loss 0.5991, train acc 0.803');
  });

  it('says "…" for an ETA it cannot know yet, and minutes for long ones', () => {
    expect(formatFrame({ ...frame, speed: undefined, eta: undefined }, 197)).toMatch(/ETA …$/);
    expect(formatFrame({ ...frame, eta: 125 }, 197)).toMatch(/ETA 2m05s$/);
    expect(formatFrame({ ...frame, eta: 0.4 }, 197)).toMatch(/ETA <1s$/); // not 0s while batches remain
    expect(formatFrame({ ...frame, batch: 235, eta: 0 }, 197)).toMatch(/ETA 0s$/);
  });
});

describe('EpochProgress', () => {
  function run(columns: number, times: number[]) {
    const writes: string[] = [];
    let t = 0;
    const bar = new EpochProgress({
      epochs: 3,
      batches: 5,
      stream: { columns, write: (s: string) => (writes.push(s), true) },
      now: () => t,
    });
    times.forEach((time, i) => {
      t = time;
      bar.onBatchEnd({ epoch: 1, batch: i + 1, examples: 100 * (i + 1), lossSum: 50 * (i + 1), correct: 70 * (i + 1) });
    });
    bar.onTrainEnd();
    return writes.map(visible).filter((w) => w !== '');
  }

  it('the first frame has no speed or ETA; later frames measure from the first batch', () => {
    const frames = run(200, [0, 100, 200, 300, 400]);
    expect(frames[0]).toMatch(/1\/5 batches \| loss 0\.5000, train acc 0\.700 \| ETA …$/);
    // 4 batches in 0.4 s after the first: 1000 ex/s; done at the fifth.
    expect(frames.at(-1)).toMatch(/5\/5 batches \| 1,000 ex\/s \| .* \| ETA 0s$/);
  });

  it('redraws at most every 100 ms, but always the last batch; every frame fits 80 columns', () => {
    const frames = run(80, [0, 10, 20, 30, 40]);
    expect(frames).toHaveLength(2); // batch 1 and batch 5
    for (const f of frames) expect(f.length).toBeLessThanOrEqual(77);
  });
});

/**
 * Library messages name API options (`root`, `learningRate`, `mirrors`); on the command line the user
 * knows flags. This table says, for each, what the command line calls it.
 */
const TO_FLAGS: readonly (readonly [string, string])[] = [
  ['(learningRate)', '(--lr)'],
  ['Pass `root` (or set SOFTMAX_DATA_DIR)', 'Pass --data-dir (or set SOFTMAX_DATA_DIR)'],
  ['pass `root` (or set SOFTMAX_DATA_DIR)', 'pass --data-dir (or set SOFTMAX_DATA_DIR)'],
  ["(downloadDataset of softmax/node, or 'softmax download --dir DIR')", "('softmax download --dir DIR')"],
  [
    "(downloadDataset of softmax/node, or 'softmax download --dataset mnist'; ",
    "('softmax download --dataset mnist'; ",
  ],
  ['the `mirrors` option', '--mirror URL'],
];

/** `message` with the API's option names replaced by the command line's flags. */
export function forCommandLine(message: string): string {
  return TO_FLAGS.reduce((m, [api, flag]) => m.split(api).join(flag), message);
}

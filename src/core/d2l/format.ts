/** The book's epoch line and the number formatting it is printed with. */

/**
 * Python's `'%.Nf' % x`: the exact binary value rounded half-to-even. JS `toFixed` rounds exact ties
 * up instead (0.8125 → '0.813' where Python prints '0.812'), and the book's epoch lines must match to
 * the last digit.
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const ax = Math.abs(x);
  // From 1e21 toFixed switches to exponent notation; such doubles are integers, so print them whole.
  if (ax >= 1e21) return `${sign}${BigInt(ax).toString()}${digits > 0 ? `.${'0'.repeat(digits)}` : ''}`;
  const rounded = ax.toFixed(digits);
  // A tie needs ax ≥ 0.5·10^-digits; for ax ≥ 2^-47 toFixed(100) is the exact decimal expansion.
  if (ax < 2 ** -47) return sign + rounded;
  const exact = ax.toFixed(100);
  const dot = exact.indexOf('.');
  const cut = digits === 0 ? dot : dot + 1 + digits;
  if (!/^50*$/.test(exact.slice(dot + 1 + digits))) return sign + rounded;
  const lastKept = Number(exact[cut - 1 === dot ? dot - 1 : cut - 1]);
  return sign + (lastKept % 2 === 0 ? exact.slice(0, cut) : rounded);
}

/** The book's epoch line, to the character: `epoch 1, loss 0.7870, train acc 0.749, test acc 0.795`. */
export function formatEpoch(m: { epoch: number; loss: number; trainAcc: number; testAcc: number }): string {
  return (
    `epoch ${m.epoch}, loss ${formatFixed(m.loss, 4)}, ` +
    `train acc ${formatFixed(m.trainAcc, 3)}, test acc ${formatFixed(m.testAcc, 3)}`
  );
}

/** formatFixed mirrors Python's '%.Nf' (exact binary value, ties to even), so epoch lines match d2l's. */
import { formatFixed } from '../../../src/core/d2l/format.js';

// Expected strings are CPython 3's `'%.*f' % (digits, x)` for the same doubles.
describe('formatFixed', () => {
  it.each([
    // Exact binary ties round half to even (JS toFixed rounds them up).
    [0.8125, 3, '0.812'],
    [-0.8125, 3, '-0.812'],
    [0.3125, 3, '0.312'],
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [2.0625, 3, '2.062'],
    [0.96875, 4, '0.9688'],
    [0.84375, 4, '0.8438'],
    // Ties at 0 digits, including a carry into a new digit.
    [0.5, 0, '0'],
    [1.5, 0, '2'],
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [-2.5, 0, '-2'],
    [9.5, 0, '10'],
    [19.5, 0, '20'],
    // Not ties: the double lies just off the decimal midpoint.
    [0.35, 1, '0.3'],
    [1.005, 2, '1.00'],
    [0.12345, 4, '0.1235'],
    [0.51205, 4, '0.5121'],
    [0.9995, 3, '1.000'],
    [1 / 3, 3, '0.333'],
    [0.512, 4, '0.5120'],
    [123456789.25, 1, '123456789.2'],
    // Zero, tiny and negative values that round to zero keep Python's sign.
    [0, 3, '0.000'],
    [-0, 4, '-0.0000'],
    [-0.001, 2, '-0.00'],
    [1e-20, 2, '0.00'],
    [5e-324, 3, '0.000'],
    [2 ** -48, 10, '0.0000000000'],
  ])('formats %p with %p digits as %p', (x, digits, expected) => {
    expect(formatFixed(x, digits)).toBe(expected);
  });

  it('prints nan, inf and -inf as Python does', () => {
    expect(formatFixed(Number.NaN, 4)).toBe('nan');
    expect(formatFixed(Number.POSITIVE_INFINITY, 3)).toBe('inf');
    expect(formatFixed(Number.NEGATIVE_INFINITY, 3)).toBe('-inf');
  });

  it("prints the book's epoch figures", () => {
    expect(`loss ${formatFixed(0.51204999, 4)}, train acc ${formatFixed(0.8305, 3)}`).toBe(
      'loss 0.5120, train acc 0.831',
    );
  });
});

it("prints numbers from 1e21 up in full, as Python does (toFixed would switch to '1e+21')", () => {
  // Python: '%.2f' % 1e21 == '1000000000000000000000.00'; '%.0f' % -3e22 == '-30000000000000000000000'.
  expect(formatFixed(1e21, 2)).toBe('1000000000000000000000.00');
  expect(formatFixed(-3e22, 0)).toBe('-30000000000000000000000');
});

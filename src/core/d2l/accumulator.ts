/** Sums over `n` variables, as d2l's Accumulator (D2L §3.6 softmax-regression-scratch). */
export class Accumulator {
  private data: number[];

  constructor(readonly n: number) {
    this.data = new Array<number>(n).fill(0);
  }

  add(...values: number[]): void {
    this.data = this.data.map((a, i) => a + (values[i] ?? 0));
  }

  reset(): void {
    this.data.fill(0);
  }

  get(i: number): number {
    return this.data[i] ?? Number.NaN;
  }
}

/** Counts a fuzz suite's cases and the distinct errors they hit (digits folded), for the CI log. */
export class FuzzStats {
  private cases = 0;
  private parsed = 0;
  private readonly kinds = new Set<string>();
  private readonly messages = new Set<string>();
  private readonly started = performance.now();

  constructor(private readonly suite: string) {}

  ok(): void {
    this.cases += 1;
    this.parsed += 1;
  }

  error(err: Error, problem: string): void {
    this.cases += 1;
    this.kinds.add(err.name);
    // One template per message: numbers, digests and echoed JSON values folded away.
    this.messages.add(
      problem
        .split(/: \[|: \{|holds (?!N bytes)| name /)[0]!
        .replace(/[0-9a-f]{64}/g, 'H')
        .replace(/0x[0-9a-f]+/g, 'X')
        .replace(/\((unknown type|[a-z]+\d*)\)/g, '(T)')
        .replace(/\d+/g, 'N'),
    );
  }

  report(): void {
    const seconds = ((performance.now() - this.started) / 1000).toFixed(1);
    console.log(
      `fuzz ${this.suite}: ${this.cases} cases, ${this.parsed} parsed, ${this.cases - this.parsed} rejected with ` +
        `${this.kinds.size} error class(es) and ${this.messages.size} distinct messages, ${seconds} s\n  ` +
        `${[...this.messages].sort().join('\n  ')}`,
    );
  }
}

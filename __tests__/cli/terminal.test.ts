/** The status line: cut to the terminal's width, the cursor hidden only while it is shown, restored on the way out. */
import { StatusLine, fitWidth, printAbove, restoreTerminal } from '../../src/cli/terminal.js';

function fakeTty(columns: number) {
  const writes: string[] = [];
  return { writes, stream: { columns, write: (t: string) => (writes.push(t), true) } };
}

describe('fitWidth', () => {
  it('keeps what fits and cuts the rest with an ellipsis', () => {
    expect(fitWidth('abcdef', 6)).toBe('abcdef');
    expect(fitWidth('abcdef', 4)).toBe('abc…');
    expect(fitWidth('ab…cd', 3)).toBe('ab…'); // counts code points, not UTF-16 units
  });
});

describe('StatusLine', () => {
  it('hides the cursor on the first draw, cuts each line to columns - 3, and shows the cursor when cleared', () => {
    const { writes, stream } = fakeTty(20);
    const line = new StatusLine(stream);
    line.draw('x'.repeat(50));
    line.draw('short');
    line.clear();
    line.clear(); // a second clear writes nothing
    expect(writes).toEqual(['\x1b[?25l', `\r\x1b[2K${'x'.repeat(16)}…`, '\r\x1b[2Kshort', '\r\x1b[2K\x1b[?25h']);
  });

  it('restoreTerminal and printAbove erase every line shown and show the cursor', () => {
    const a = fakeTty(80);
    const b = fakeTty(80);
    new StatusLine(a.stream).draw('bar a');
    new StatusLine(b.stream).draw('bar b');
    const out: string[] = [];
    printAbove('a note', (t) => out.push(t));
    expect(out).toEqual(['a note\n']);
    expect(a.writes.at(-1)).toBe('\r\x1b[2K\x1b[?25h');
    expect(b.writes.at(-1)).toBe('\r\x1b[2K\x1b[?25h');
    const before = a.writes.length;
    restoreTerminal(); // nothing is shown any more
    expect(a.writes).toHaveLength(before);
  });
});

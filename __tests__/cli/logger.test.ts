/** No JSON unless asked for: warnings as short lines by default; pino records with --log-level or --log-file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { humanLine, rootLogger } from '../../src/cli/logger.js';
import { tempDir } from '../helpers.js';

describe('rootLogger', () => {
  it('by default drops info and debug and prints warnings and errors as one human line each', () => {
    const out: string[] = [];
    const log = rootLogger({ stderr: (t) => out.push(t) });
    log.info({ epoch: 1 }, 'epoch done');
    log.debug({}, 'detail');
    log.warn({ url: 'http://x/', reason: 'connection reset' }, 'download failed; retrying');
    log.error({}, 'it broke');
    expect(out).toEqual(['softmax: download failed; retrying (connection reset)\n', 'softmax: it broke\n']);
  });

  it('with a file writes pino JSON records there (level info by default)', () => {
    const file = join(tempDir(), 'log.jsonl');
    const log = rootLogger({ file });
    log.info({ epoch: 1 }, 'epoch done');
    log.debug({}, 'dropped');
    log.flush();
    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records).toEqual([expect.objectContaining({ level: 30, epoch: 1, msg: 'epoch done' })]);
  });

  it('humanLine leaves out a reason that is not a string', () => {
    expect(humanLine({ reason: 3 }, 'odd')).toBe('softmax: odd');
  });
});

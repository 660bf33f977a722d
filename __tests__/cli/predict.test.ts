/** predict's default picture never replaces an earlier one; --out must name a format softmax writes. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPictureOut } from '../../src/cli/options.js';
import { freePictureName } from '../../src/cli/predict/run.js';
import { ConfigError } from '../../src/core/errors.js';
import { expectError, tempDir } from '../helpers.js';

describe('predict pictures', () => {
  it('freePictureName: the name while free, then name-2, name-3...', () => {
    const dir = tempDir();
    const name = join(dir, 'preds.png');
    expect(freePictureName(name)).toBe(name);
    writeFileSync(name, 'earlier');
    expect(freePictureName(name)).toBe(join(dir, 'preds-2.png'));
    writeFileSync(join(dir, 'preds-2.png'), 'earlier');
    expect(freePictureName(name)).toBe(join(dir, 'preds-3.png'));
  });

  it('checkPictureOut accepts png, svg, jpg/jpeg, webp and no extension, refuses others naming them', () => {
    for (const out of ['a.png', 'a.SVG', 'a.jpeg', 'a.webp', 'a', undefined])
      expect(checkPictureOut({ out })).toBe(true);
    expectError(
      () => checkPictureOut({ out: 'x.gif' }),
      ConfigError,
      /--out 'x\.gif': '\.gif' is not a picture format/,
    );
  });
});

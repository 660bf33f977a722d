/** The printed command starts the tool as the user did: npx under npm, the bin on PATH, node otherwise. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invocation, shellQuote } from '../../src/cli/invocation.js';
import { resumeCommand } from '../../src/cli/train/model.js';
import { tempDir } from '../helpers.js';

describe('invocation', () => {
  const bare = tempDir(); // no package.json above a fresh temp dir
  it.each([
    ['npm/11.1.0 node/v20 linux x64 workspaces/false', 'npx softmax'],
    ['yarn/1.22.22 npm/? node/v20', 'yarn softmax'],
    ['pnpm/9.0.0 npm/? node/v20', 'pnpm exec softmax'],
  ])('under the user agent %s: %s', (agent, expected) => {
    expect(invocation({ env: { npm_config_user_agent: agent }, script: '/x/bin/softmax', cwd: bare })).toBe(expected);
  });

  it('the bin found on PATH: softmax; the same bin off PATH, outside a project: node and its path', () => {
    expect(invocation({ env: { PATH: '/usr/bin:/opt/sm/bin' }, script: '/opt/sm/bin/softmax', cwd: bare })).toBe(
      'softmax',
    );
    expect(invocation({ env: { PATH: '/usr/bin' }, script: '/opt/sm/bin/softmax', cwd: bare })).toBe(
      'node /opt/sm/bin/softmax',
    );
  });

  it('in a project that installed softmax, or in its clone, from a subfolder: npx softmax', () => {
    const consumer = tempDir();
    mkdirSync(join(consumer, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(consumer, 'node_modules', '.bin', 'softmax'), '');
    mkdirSync(join(consumer, 'src'));
    expect(invocation({ env: {}, script: '/elsewhere/main.js', cwd: join(consumer, 'src') })).toBe('npx softmax');
    const clone = tempDir();
    writeFileSync(join(clone, 'package.json'), JSON.stringify({ name: 'softmax' }));
    expect(invocation({ env: {}, script: join(clone, 'dist/cli/main.js'), cwd: clone })).toBe('npx softmax');
  });

  it('elsewhere: node with the script relative to the working directory, quoted for the shell', () => {
    const dir = join(bare, 'my tools');
    expect(invocation({ env: {}, script: join(dir, 'main.js'), cwd: bare })).toBe("node 'my tools/main.js'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe('resumeCommand', () => {
  it('names the checkpoint directory, the epochs, the run directory, --keep and a chosen backend', () => {
    expect(
      resumeCommand({ epochs: 7, out: 'runs/my run', keep: 5, backend: 'cpu', dataDir: '/d' }, 'ck', 'npx softmax'),
    ).toBe("npx softmax train --resume ck --epochs 7 --out 'runs/my run' --keep 5 --backend cpu --data-dir /d");
    expect(resumeCommand({ epochs: 5, keep: 3, backend: 'auto' }, 'ck', 'softmax')).toBe(
      'softmax train --resume ck --epochs 5',
    );
  });
});

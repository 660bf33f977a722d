// Jest globalSetup/globalTeardown: every temporary file of the test run (the tests' own, and those of
// the CLI processes they start) goes under one fresh directory, set as TMPDIR before the workers
// start and removed at the end, so a test run leaves nothing behind in the system's temp directory.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function globalTmpdir() {
  if (process.env.SOFTMAX_TEST_TMPDIR) {
    rmSync(process.env.SOFTMAX_TEST_TMPDIR, { recursive: true, force: true });
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'softmax-test-'));
  process.env.SOFTMAX_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
};

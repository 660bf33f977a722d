// Preloaded into the CLI children of the fault tests (node -r): on exit, writes the process's peak
// resident set size (kilobytes, from getrusage) to $SOFTMAX_TEST_RSS_FILE.
const file = process.env.SOFTMAX_TEST_RSS_FILE;
if (file) process.on('exit', () => require('node:fs').writeFileSync(file, String(process.resourceUsage().maxRSS)));

// Preloaded into the children of the fault tests (node -r): on exit, writes the process's peak
// resident set size in kB to $SOFTMAX_TEST_RSS_FILE. VmHWM of /proc/self/status, not getrusage's
// maxRSS: Linux carries ru_maxrss over fork and exec, so a child of a large parent would report the
// parent's peak; VmHWM belongs to the memory map exec made.
const file = process.env.SOFTMAX_TEST_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const fs = require('node:fs');
    const hwm = /VmHWM:\s*(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    fs.writeFileSync(file, hwm ? hwm[1] : String(process.resourceUsage().maxRSS));
  });
}

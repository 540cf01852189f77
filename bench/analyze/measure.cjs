// Runs a Node script in this process and, on exit, writes its CPU time and peak memory to a JSON file:
//   node measure.cjs <report.json> <script.js> [args...]
// Both sides of the benchmark (tsc and the analyser) run under it, so they are measured the same way.
const fs = require('node:fs');
const path = require('node:path');

const [report, script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], path.resolve(script), ...args];
process.on('exit', (code) => {
  const usage = process.resourceUsage();
  fs.writeFileSync(report, JSON.stringify({ code, maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
});
require(path.resolve(script));

// bench:http — requests per second and latency percentiles of the example entry
// (examples/src/service.ts#handleReport("data")) under concurrent HTTP load on loopback: autocannon
// against a real `codelets agent` process with the default fleets.
//   npm run bench:http [-- --connections 8 --duration 10]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({ options: { connections: { type: 'string', default: '8' }, duration: { type: 'string', default: '10' } } });
const ROOT = path.resolve(__dirname, '../..');
const EXAMPLES = path.join(ROOT, 'examples');

async function main(): Promise<void> {
  const state = mkdtempSync(path.join(os.tmpdir(), 'codelets-bench-http-'));
  const agent = spawn(process.execPath, [path.join(ROOT, 'bin/codelets.js'), 'agent', '--workspace', EXAMPLES, '--state', state], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { url, tokenFile } = await new Promise<{ url: string; tokenFile: string }>((resolve, reject) => {
    let out = '';
    agent.once('exit', (code) => reject(new Error(`agent exited (${code})`)));
    agent.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      const tokenFile = /token file: (.+)\n/.exec(out)?.[1];
      if (url && tokenFile) resolve({ url, tokenFile });
    });
  });
  const token = readFileSync(tokenFile, 'utf8').trim();
  const body = JSON.stringify({ entry: 'src/service.ts#handleReport', args: ['data'] });
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  // Warm: bundles built, modules loaded in every worker.
  for (let i = 0; i < 10; i++) {
    const r = await fetch(url + '/v1/requests', { method: 'POST', headers, body });
    if (!r.ok) throw new Error(`warm-up request failed: ${r.status} ${await r.text()}`);
  }
  const result = await autocannon({
    url: url + '/v1/requests',
    method: 'POST',
    headers,
    body,
    connections: Number(values.connections),
    duration: Number(values.duration),
  });
  console.log(
    JSON.stringify(
      {
        target: 'POST /v1/requests {entry: "src/service.ts#handleReport", args: ["data"]}',
        connections: result.connections,
        durationS: result.duration,
        cores: os.availableParallelism(),
        requests: result.requests.total,
        requestsPerSecond: { mean: result.requests.average, stddev: result.requests.stddev },
        latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
      },
      null,
      2,
    ),
  );
  agent.kill('SIGTERM');
  await new Promise((r) => agent.once('exit', r));
  rmSync(state, { recursive: true, force: true });
}

void main();

// A real agent process for tests whose workspace has no analyser output to rely on:
//   node --import tsx agent-process.ts <workspace> <stateDir> <fleets.json or -> [learned|class-affinity]
// Prints one JSON line {url, tokenFile, pid} when ready, like `codelets agent` prints its URL.
import { Agent } from '../../../agent/agent';
import { FixedCatalog } from '../../../agent/codelets/catalog';
import { loadFleetsFile } from '../../../agent/fleets/config';
import { fixtureCodelets } from './fixture-catalog';

async function main(): Promise<void> {
const [workspace, stateDir, fleetsFile, placement] = process.argv.slice(2);
const agent = await Agent.start({
  workspace: workspace!,
  stateDir,
  catalog: new FixedCatalog(fixtureCodelets()),
  fleets: fleetsFile && fleetsFile !== '-' ? loadFleetsFile(fleetsFile) : undefined,
  ...(placement === 'learned' || placement === 'class-affinity' ? { placement } : {}),
  log: (line) => process.stderr.write(line + '\n'),
});
process.chdir(agent.workspace);
process.stdout.write(JSON.stringify({ url: agent.url, tokenFile: agent.tokenFile, pid: process.pid }) + '\n');
const stop = (): void => void agent.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
}

void main();

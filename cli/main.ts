// The `codelets` command. Each subcommand lives in cli/commands/<name>.ts and is loaded only when used,
// so `codelets schedule` does not pay for loading the TypeScript compiler.
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { UsageError } from './usage-error';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port number, got "${value}"`);
  return n;
}

const program = new Command('codelets')
  .description('Partition TypeScript and JavaScript code into codelets, profile them and run them on fleets.')
  .version(process.env.CODELETS_VERSION ?? '0.1.0')
  .showHelpAfterError()
  .exitOverride();

program
  .command('analyze')
  .description('analyse a folder and print its codelets')
  .argument('<folder>', 'workspace folder to analyse')
  .option('--json', 'print the metadata as JSON (schemaVersion 1)')
  .option('--out <file>', 'write the output to a file instead of stdout')
  .action(async (folder: string, options: { json?: boolean; out?: string }) => {
    const { analyzeCommand } = await import('./commands/analyze');
    process.exitCode = await analyzeCommand(folder, options);
  });

program
  .command('lsp')
  .description('run the language server')
  .option('--stdio', 'talk LSP over stdin/stdout')
  .option('--node-ipc', 'talk LSP over the Node IPC channel')
  .action(async () => {
    const { lspCommand } = await import('./commands/lsp');
    await lspCommand();
  });

program
  .command('agent')
  .description('run the companion agent (fleets, router, orchestrator, monitor)')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on (0 picks a free one)', positiveInt, 0)
  .option('--workspace <folder>', 'workspace whose codelets the agent runs', '.')
  .option('--state <folder>', 'state folder (history, token)')
  .option('--placement <policy>', 'placement policy: learned (learns from measurements) or class-affinity', 'learned')
  .option('--cheapest-within <percent>', 'learned placement: pick the cheapest fleet finishing within this % of the fastest')
  .option('--plan <algorithm>', 'learned placement: place a decomposed request as one DAG with peft (default), heft or best; off places each step alone')
  .action(async (options: { host: string; port: number; workspace: string; state?: string; placement: string; cheapestWithin?: string; plan?: string }) => {
    const { agentCommand } = await import('./commands/agent');
    process.exitCode = await agentCommand(options);
  });

program
  .command('run')
  .description('run a codelet: codelets run <file>#<name> --args \'[1, 2]\'')
  .argument('<target>', '<file>#<name> of the entry codelet')
  .option('--args <json>', 'the arguments, as a JSON array', '[]')
  .option('--json', 'print the result, placements and measurements as JSON')
  .option('--agent <url>', 'URL of a running agent (default: the one recorded in the state folder, else an embedded one)')
  .action(async (target: string, options: { args: string; json?: boolean; agent?: string }) => {
    const { runCommand } = await import('./commands/run');
    process.exitCode = await runCommand(target, options);
  });

program
  .command('fleets')
  .description('show the fleets, their capacity and load')
  .option('--workspace <folder>', 'workspace whose fleet config to read', '.')
  .option('--json', 'print JSON')
  .option('--agent <url>', 'URL of a running agent')
  .action(async (options: { workspace: string; json?: boolean; agent?: string }) => {
    const { fleetsCommand } = await import('./commands/fleets');
    process.exitCode = await fleetsCommand(options);
  });

program
  .command('schedule')
  .description('schedule task graphs (DAG JSON files) on heterogeneous fleets')
  .argument('<dag...>', 'task graph files')
  .option('--algorithm <name>', 'heft, peft or best', 'best')
  .option('--json', 'print one JSON object per graph, one per line')
  .action(async (files: string[], options: { algorithm: string; json?: boolean }) => {
    const { scheduleCommand } = await import('./commands/schedule');
    process.exitCode = await scheduleCommand(files, options);
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`codelets: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`codelets: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}

void main();

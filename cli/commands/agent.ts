// Placeholder until the agent command lands; replaced by its owner.
export async function agentCommand(..._args: unknown[]): Promise<number> {
  process.stderr.write('codelets agent: not built yet\n');
  return 1;
}

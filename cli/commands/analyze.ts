// Placeholder until the analyze command lands; replaced by its owner.
export async function analyzeCommand(..._args: unknown[]): Promise<number> {
  process.stderr.write('codelets analyze: not built yet\n');
  return 1;
}

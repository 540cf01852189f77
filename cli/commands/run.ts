// Placeholder until the run command lands; replaced by its owner.
export async function runCommand(..._args: unknown[]): Promise<number> {
  process.stderr.write('codelets run: not built yet\n');
  return 1;
}

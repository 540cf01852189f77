// Placeholder until the fleets command lands; replaced by its owner.
export async function fleetsCommand(..._args: unknown[]): Promise<number> {
  process.stderr.write('codelets fleets: not built yet\n');
  return 1;
}

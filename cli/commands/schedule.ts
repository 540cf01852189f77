// Placeholder until the schedule command lands; replaced by its owner.
export async function scheduleCommand(..._args: unknown[]): Promise<number> {
  process.stderr.write('codelets schedule: not built yet\n');
  return 1;
}

/** A mistake in what the user asked for (missing folder, bad JSON argument): exit code 2, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

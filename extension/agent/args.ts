// Checking the JSON arguments a user types for a codelet run (kept free of VS Code so it is testable).

/** Undefined when `text` is a JSON array; else what is wrong with it. */
export function validateArgs(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `Not valid JSON: ${(error as Error).message}`;
  }
  return Array.isArray(value) ? undefined : 'Enter the arguments as a JSON array, for example ["data", 3]';
}

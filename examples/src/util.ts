// Small helpers.
export function countOf(list: readonly unknown[]): number {
  return list.length;
}

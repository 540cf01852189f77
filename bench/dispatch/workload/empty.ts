// The codelet of the dispatch benchmark: does nothing, so only the cost of getting there and back shows.
export function empty(): void {}

// Memory: an inverted index over every word of every event message, with per-term posting lists and a
// dense table of term weights. Only a summary leaves the function.
import type { Event, IndexSummary } from './types';

export function buildSearchIndex(events: Event[]): IndexSummary {
  const postings = new Map<string, number[]>();
  const positions: number[][] = [];
  for (let i = 0; i < events.length; i++) {
    const words = events[i]!.message.toLowerCase().split(/[^a-z0-9]+/);
    const seen: number[] = [];
    for (let w = 0; w < words.length; w++) {
      const word = words[w]!;
      if (word.length < 3) continue;
      let list = postings.get(word);
      if (!list) {
        list = [];
        postings.set(word, list);
      }
      list.push(i);
      seen.push(w);
    }
    positions.push(seen);
  }
  // A dense table of term weights, addressed by a hash of the term: large, mostly empty, kept in memory.
  const weights = new Float64Array(2_000_000);
  let total = 0;
  for (const [term, list] of postings) {
    weights[slotOf(term, weights.length)] = list.length / events.length;
    total += list.length;
  }
  const topTerms = [...postings.entries()]
    .map(([term, list]) => ({ term, count: list.length }))
    .sort((a, b) => b.count - a.count || a.term.localeCompare(b.term))
    .slice(0, 10);
  return { terms: postings.size, postings: total, topTerms };
}

function slotOf(term: string, size: number): number {
  let h = 0;
  for (let i = 0; i < term.length; i++) h = (h * 31 + term.charCodeAt(i)) >>> 0;
  return h % size;
}

// Moving the selection with the arrow keys, whichever way the layers run: along a layer, or across to the
// linked (else nearest) node of the next layer. Pure, on the laid-out graph.
import type { Layout } from './layout';
import type { ViewEdge } from './view-graph';

export type NavKey = 'ArrowDown' | 'ArrowUp' | 'ArrowRight' | 'ArrowLeft' | 'Home' | 'End';

/** Nodes of each layer in reading order (top to bottom, or left to right when layers run down). */
export function layerRows(layout: Layout): number[][] {
  const rows: number[][] = Array.from({ length: layout.layers }, () => []);
  layout.layer.forEach((l, i) => rows[l].push(i));
  const across = layout.vertical ? layout.x : layout.y;
  for (const r of rows) r.sort((a, b) => across[a] - across[b]);
  return rows;
}

export function isNavKey(key: string): key is NavKey {
  return ['ArrowDown', 'ArrowUp', 'ArrowRight', 'ArrowLeft', 'Home', 'End'].includes(key);
}

/** The node the key moves to from `cur` (-1: nothing selected), or -1 when there is none that way. */
export function navigate(pressed: NavKey, cur: number, layout: Layout, rows: number[][], edges: ViewEdge[]): number {
  const first = rows.find((r) => r.length)?.[0] ?? -1;
  // Down/Up move along a layer and Right/Left across layers when layers run left to right; swapped when
  // they run top to bottom.
  const key = layout.vertical ? ({ ArrowRight: 'ArrowDown', ArrowLeft: 'ArrowUp', ArrowDown: 'ArrowRight', ArrowUp: 'ArrowLeft' } as Record<string, NavKey>)[pressed] ?? pressed : pressed;
  const along = layout.vertical ? layout.x : layout.y;
  const { layer } = layout;
  switch (key) {
    case 'Home':
      return first;
    case 'End': {
      const last = [...rows].reverse().find((r) => r.length);
      return last ? last[last.length - 1] : -1;
    }
    case 'ArrowDown':
    case 'ArrowUp': {
      if (cur < 0) return first;
      const row = rows[layer[cur]];
      return row[row.indexOf(cur) + (key === 'ArrowDown' ? 1 : -1)] ?? -1;
    }
    case 'ArrowRight':
    case 'ArrowLeft': {
      if (cur < 0) return first;
      const dir = key === 'ArrowRight' ? 1 : -1;
      for (let li = layer[cur] + dir; li >= 0 && li < rows.length; li += dir) {
        if (!rows[li].length) continue;
        const linked = edges.filter((e) => (dir > 0 ? e.from === cur : e.to === cur)).map((e) => (dir > 0 ? e.to : e.from)).filter((v) => layer[v] === li);
        const candidates = linked.length ? linked : rows[li];
        return candidates.reduce((best, v) => (Math.abs(along[v] - along[cur]) < Math.abs(along[best] - along[cur]) ? v : best), candidates[0]);
      }
      return -1;
    }
  }
}

// Draws the laid-out graph on one canvas: lanes, edges, nodes and labels, batched by style so a
// 2,000-node graph stays well inside a frame. Text goes through fillText only, so names from user code
// can never become markup. Also answers "which node is under this point".
import { quadtree, type Quadtree, type ZoomTransform } from 'd3';
import type { Layout } from './layout';
import type { Palette } from './theme';
import type { ViewGraph, ViewNode } from './view-graph';

export interface Scene {
  view: ViewGraph;
  layout: Layout;
  radius: Float32Array;
  /** Search matches (1) when a query is active, else null. */
  match: Uint8Array | null;
  selected: number;
  cursor: number;
  /** Edge indexes data is moving along, and nodes running now. */
  liveEdges: ReadonlySet<number>;
  liveNodes: ReadonlySet<number>;
  /** Advances while requests are in flight so live edges appear to flow. */
  dashPhase: number;
  index: Quadtree<number>;
}

const LABEL_PX = 12;
/** More edges than this on screen: straight, undashed (a tangle either way, and far cheaper to draw). */
const COARSE_EDGES = 600;
/** More nodes than this on screen: only the selected, cursor and matching ones are labelled. */
const MAX_LABELS = 400;
const MAX_LABEL = 30;

/**
 * Disc radius by time on a log scale, relative to the slowest codelet but never to less than 50 ms: a
 * graph of sub-millisecond helpers must not draw them as large as a real hot spot.
 */
export function nodeRadii(view: ViewGraph): Float32Array {
  let max = 50;
  for (const n of view.nodes) if (n.codelet && n.ms !== null) max = Math.max(max, n.ms);
  const scale = Math.log1p(max);
  return Float32Array.from(view.nodes, (n) => {
    if (!n.codelet) return Math.min(18, 8 + 2 * Math.sqrt(n.members));
    if (n.ms === null) return 6;
    return 5 + 12 * (Math.log1p(n.ms) / scale);
  });
}

export function spatialIndex(layout: Layout): Quadtree<number> {
  return quadtree<number>()
    .x((i) => layout.x[i])
    .y((i) => layout.y[i])
    .addAll(Array.from(layout.x, (_, i) => i));
}

/** The node whose disc contains the world point, or -1. */
export function hitTest(scene: Scene, wx: number, wy: number): number {
  const found = scene.index.find(wx, wy, 24);
  if (found === undefined) return -1;
  const dx = scene.layout.x[found] - wx;
  const dy = scene.layout.y[found] - wy;
  return Math.hypot(dx, dy) <= scene.radius[found] + 4 ? found : -1;
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10000 ? 0 : 1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(ms >= 1 ? 1 : 2)} ms`;
}

/** One line of figures under a label: live/measured when known, else the estimate. */
export function figures(node: ViewNode): string {
  const m = node.live ?? node.codelet?.measured;
  if (m) return `p50 ${formatMs(m.p50Ms)} · p95 ${formatMs(m.p95Ms)} · ${m.runs} runs${m.fleet ? ` · ${m.fleet}` : ''}`;
  if (!node.codelet) return `${node.members} codelets`;
  return node.ms === null ? 'no estimate' : `~${formatMs(node.ms)} est.`;
}

function truncate(s: string, max = MAX_LABEL): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function drawScene(
  ctx: CanvasRenderingContext2D,
  scene: Scene,
  t: ZoomTransform,
  palette: Palette,
  width: number,
  height: number,
  dpr: number,
): void {
  const { view, layout, radius } = scene;
  const { x, y } = layout;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = palette.background;
  ctx.fillRect(0, 0, width, height);
  ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);

  // Visible world rectangle, with a margin for labels.
  const x0 = (0 - t.x) / t.k - 40;
  const x1 = (width - t.x) / t.k + 40;
  const y0 = (0 - t.y) / t.k - 30;
  const y1 = (height - t.y) / t.k + 30;
  const px = 1 / t.k;

  drawLanes(ctx, scene, palette, x0, x1, y0, y1, t.k);

  const dimmed = scene.match !== null || scene.selected >= 0;
  const touchesSelected = (i: number) => view.edges[i].from === scene.selected || view.edges[i].to === scene.selected;
  const edgeVisible = (i: number) => {
    const e = view.edges[i];
    const ax = x[e.from], bx = x[e.to], ay = y[e.from], by = y[e.to];
    return !((ax < x0 && bx < x0) || (ax > x1 && bx > x1) || (ay < y0 && by < y0) || (ay > y1 && by > y1));
  };
  // Level of detail: with many edges on screen, straight undashed lines read the same and rasterise
  // several times faster (Chromium draws canvases in software when there is no GPU).
  let onScreen = 0;
  for (let i = 0; i < view.edges.length && onScreen <= COARSE_EDGES; i++) if (edgeVisible(i)) onScreen++;
  const coarse = onScreen > COARSE_EDGES;
  const vertical = layout.vertical;
  const edgePath = (i: number) => {
    const e = view.edges[i];
    if (vertical) {
      const ax = x[e.from], ay = y[e.from] + radius[e.from];
      const bx = x[e.to], by = y[e.to] - radius[e.to];
      ctx.moveTo(ax, ay);
      if (coarse) ctx.lineTo(bx, by);
      else if (by > ay) {
        const my = (ay + by) / 2;
        ctx.bezierCurveTo(ax, my, bx, my, bx, by);
      } else {
        const lift = 50 + Math.abs(ax - bx) / 4;
        ctx.bezierCurveTo(ax - lift, ay + 60, bx - lift, by - 60, bx, by);
      }
      return;
    }
    const ax = x[e.from] + radius[e.from], ay = y[e.from];
    const bx = x[e.to] - radius[e.to], by = y[e.to];
    ctx.moveTo(ax, ay);
    if (coarse) ctx.lineTo(bx, by);
    else if (bx > ax) {
      const mx = (ax + bx) / 2;
      ctx.bezierCurveTo(mx, ay, mx, by, bx, by);
    } else {
      // Back edge (a cycle): loop out to the right and come back in from the left.
      const lift = 60 + Math.abs(ay - by) / 4;
      ctx.bezierCurveTo(ax + 80, ay - lift, bx - 80, by - lift, bx, by);
    }
  };
  const strokeEdges = (kind: 'call' | 'data', filter: (i: number) => boolean, colour: string, widthPx: number, alpha: number) => {
    ctx.beginPath();
    let any = false;
    for (let i = 0; i < view.edges.length; i++)
      if (view.edges[i].kind === kind && filter(i) && edgeVisible(i)) {
        edgePath(i);
        any = true;
      }
    if (!any) return;
    ctx.globalAlpha = alpha;
    ctx.strokeStyle = colour;
    ctx.lineWidth = widthPx * px;
    ctx.setLineDash(kind === 'data' && !coarse ? [6 * px, 4 * px] : []);
    ctx.stroke();
    ctx.globalAlpha = 1;
  };
  const base = palette.highContrast ? 1.5 : 1;
  for (const kind of ['call', 'data'] as const) {
    const col = kind === 'call' ? palette.edgeCall : palette.edgeData;
    strokeEdges(kind, (i) => !scene.liveEdges.has(i) && !(scene.selected >= 0 && touchesSelected(i)), col, base, dimmed ? 0.45 : 0.9);
    if (scene.selected >= 0) strokeEdges(kind, (i) => !scene.liveEdges.has(i) && touchesSelected(i), palette.selection, base + 1, 1);
  }
  if (scene.liveEdges.size) {
    ctx.beginPath();
    for (const i of scene.liveEdges) if (edgeVisible(i)) edgePath(i);
    ctx.strokeStyle = palette.live;
    ctx.lineWidth = 3 * px;
    ctx.setLineDash([10 * px, 6 * px]);
    ctx.lineDashOffset = -scene.dashPhase * px;
    ctx.stroke();
    ctx.lineDashOffset = 0;
  }
  ctx.setLineDash([]);
  if (t.k > 0.35) drawArrowHeads(ctx, scene, palette, x0, x1, y0, y1, px, dimmed);

  // Nodes, batched by class; non-matching ones faded while a search is active.
  const visible: number[] = [];
  for (let i = 0; i < view.nodes.length; i++) if (x[i] >= x0 && x[i] <= x1 && y[i] >= y0 && y[i] <= y1) visible.push(i);
  for (const faded of [true, false]) {
    const byClass = new Map<string, number[]>();
    for (const i of visible) {
      const isFaded = scene.match !== null && !scene.match[i];
      if (isFaded !== faded) continue;
      const list = byClass.get(view.nodes[i].cls) ?? [];
      list.push(i);
      byClass.set(view.nodes[i].cls, list);
    }
    ctx.globalAlpha = faded ? 0.25 : 1;
    for (const [cls, list] of byClass) {
      ctx.beginPath();
      // Below ~3 px on screen a disc and a square look alike, and squares rasterise far faster.
      for (const i of list)
        if (radius[i] * t.k < 1.5) ctx.rect(x[i] - radius[i], y[i] - radius[i], 2 * radius[i], 2 * radius[i]);
        else nodeShape(ctx, view.nodes[i], x[i], y[i], radius[i]);
      ctx.fillStyle = palette.classes[cls as keyof Palette['classes']];
      ctx.fill();
      if (palette.highContrast && palette.border) {
        ctx.strokeStyle = palette.border;
        ctx.lineWidth = px;
        ctx.stroke();
      }
    }
  }
  ctx.globalAlpha = 1;

  // Rings: running now, search match, editor cursor, selection.
  const ring = (i: number, colour: string, gapPx: number, widthPx: number) => {
    if (i < 0) return;
    ctx.beginPath();
    nodeShape(ctx, view.nodes[i], x[i], y[i], radius[i] + gapPx * px);
    ctx.strokeStyle = colour;
    ctx.lineWidth = widthPx * px;
    ctx.stroke();
  };
  for (const i of scene.liveNodes) ring(i, palette.live, 3, 2.5);
  if (scene.match) for (const i of visible) if (scene.match[i]) ring(i, palette.match, 2, 2);
  ring(scene.cursor, palette.cursor, 5, 2);
  ring(scene.selected, palette.selection, 3, 2.5);

  drawLabels(ctx, scene, palette, visible, t.k, px);
}

function nodeShape(ctx: CanvasRenderingContext2D, node: ViewNode, cx: number, cy: number, r: number) {
  if (node.codelet) {
    ctx.moveTo(cx + r, cy);
    ctx.arc(cx, cy, r, 0, Math.PI * 2);
  } else ctx.roundRect(cx - r, cy - r, 2 * r, 2 * r, r / 3); // a collapsed file: a rounded square
}

function drawArrowHeads(ctx: CanvasRenderingContext2D, scene: Scene, palette: Palette, x0: number, x1: number, y0: number, y1: number, px: number, dimmed: boolean) {
  const { view, layout, radius } = scene;
  const size = 6 * px;
  for (const kind of ['call', 'data'] as const) {
    ctx.beginPath();
    for (const e of view.edges) {
      if (e.kind !== kind) continue;
      const bx = layout.vertical ? layout.x[e.to] : layout.x[e.to] - radius[e.to];
      const by = layout.vertical ? layout.y[e.to] - radius[e.to] : layout.y[e.to];
      if (bx < x0 || bx > x1 || by < y0 || by > y1) continue;
      ctx.moveTo(bx, by);
      if (layout.vertical) {
        ctx.lineTo(bx - size / 2, by - size);
        ctx.lineTo(bx + size / 2, by - size);
      } else {
        ctx.lineTo(bx - size, by - size / 2);
        ctx.lineTo(bx - size, by + size / 2);
      }
      ctx.closePath();
    }
    ctx.globalAlpha = dimmed ? 0.45 : 0.9;
    ctx.fillStyle = kind === 'call' ? palette.edgeCall : palette.edgeData;
    ctx.fill();
  }
  ctx.globalAlpha = 1;
}

function drawLanes(ctx: CanvasRenderingContext2D, scene: Scene, palette: Palette, x0: number, x1: number, y0: number, y1: number, k: number) {
  const { lanes, width, height, vertical } = scene.layout;
  if (lanes.length < 2) return;
  lanes.forEach((lane, i) => {
    // A lane spans the whole layer axis; across it, from just before its first row to after its last.
    const [left, top, right, bottom] = vertical
      ? [lane.top - 40, -70, lane.bottom + 110, height + 50]
      : [-110, lane.top - 36, width + 110, lane.bottom + 42];
    if (bottom < y0 || top > y1 || right < x0 || left > x1) return;
    if (i % 2 === 0) {
      ctx.fillStyle = palette.lane;
      ctx.fillRect(left, top, right - left, bottom - top);
    }
    if (k * 11 >= 6) {
      ctx.fillStyle = palette.muted;
      ctx.font = `600 11px ${palette.fontFamily}`;
      ctx.fillText(vertical ? truncate(lane.name, 24) : lane.name, left + 6, top + 12);
    }
  });
}

function drawLabels(ctx: CanvasRenderingContext2D, scene: Scene, palette: Palette, visible: number[], k: number, px: number) {
  const { view, layout, radius } = scene;
  // Left to right, labels sit centred under their node and share the room between layers; top to
  // bottom, they sit beside it and share the room between neighbours. Zoomed out, labels keep a legible
  // size (at least 9 px) and are cut to that room; when even that is too small, only the nodes the user
  // is looking at are named.
  const beside = layout.vertical;
  const fontPx = Math.min(LABEL_PX, Math.max(9, LABEL_PX * k));
  const smallPx = Math.min(10, Math.max(8, 10 * k));
  const roomPx = (beside ? layout.rowGap : layout.layerGap) * k - (beside ? 24 : 10);
  const chars = (size: number) => Math.max(4, Math.min(MAX_LABEL * 2, Math.floor(roomPx / (0.6 * size))));
  const readable = roomPx >= 7 * 0.6 * fontPx && visible.length <= MAX_LABELS;
  const wanted = readable ? visible : visible.filter((i) => i === scene.selected || i === scene.cursor || (scene.match !== null && scene.match[i]));
  const withFigures = k >= 0.6 && wanted.length <= MAX_LABELS / 2;
  const fit = (s: string, i: number, size: number) => (readable && i !== scene.selected ? truncate(s, Math.min(MAX_LABEL, chars(size))) : truncate(s));
  ctx.textAlign = beside ? 'left' : 'center';
  ctx.textBaseline = 'top';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = palette.background;
  // The halo (a stroke in the background colour) doubles the text cost: only for a readable handful.
  const halo = wanted.length <= 300;
  const text = (s: string, i: number, line: number) => {
    const lx = beside ? layout.x[i] + radius[i] + 5 * px : layout.x[i];
    const top = beside ? layout.y[i] - ((withFigures ? fontPx + 2 : fontPx / 2) * px) : layout.y[i] + radius[i] + 3 * px;
    const ly = top + line * (fontPx + 2) * px;
    if (halo) ctx.strokeText(s, lx, ly);
    ctx.fillText(s, lx, ly);
  };
  ctx.font = `${fontPx * px}px ${palette.fontFamily}`;
  ctx.lineWidth = 3 * px;
  ctx.fillStyle = palette.foreground;
  for (const i of wanted) {
    ctx.globalAlpha = scene.match !== null && !scene.match[i] ? 0.4 : 1;
    const node = view.nodes[i];
    text(fit(node.codelet ? node.label : `${node.label} (${node.members})`, i, fontPx), i, 0);
  }
  if (withFigures) {
    ctx.font = `${smallPx * px}px ${palette.fontFamily}`;
    ctx.fillStyle = palette.muted;
    for (const i of wanted) {
      ctx.globalAlpha = scene.match !== null && !scene.match[i] ? 0.4 : 1;
      const f = figures(view.nodes[i]);
      text(beside ? truncate(f, chars(smallPx)) : f, i, 1);
    }
  }
  ctx.globalAlpha = 1;
  ctx.textAlign = 'start';
  ctx.textBaseline = 'alphabetic';
}

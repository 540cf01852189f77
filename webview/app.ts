// The graph page: receives the graph and live figures from the extension, keeps the view state, lays the
// graph out and draws it, and turns clicks and keys into selection, focus and "reveal" requests.
import { select, zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior, type ZoomTransform } from 'd3';
import { drawScene, hitTest, nodeRadii, spatialIndex, type Scene } from './canvas-renderer';
import { Controls } from './controls';
import { Details } from './details';
import { el } from './dom';
import { layeredLayout, VERTICAL_GAPS, type LayoutMemory } from './layout';
import { isNavKey, layerRows, navigate } from './keyboard-nav';
import { NodeList } from './node-list';
import type { GraphModel, LiveRequest, LiveStat, NodeRef, ToWebview } from './protocol';
import { restoreState, type ViewState } from './state';
import { readPalette, watchTheme, type Palette } from './theme';
import { buildView, fileKey, fileLabel, matches, nodeKey, type ViewGraph } from './view-graph';
import type { Host } from './vscode-api';

const LABEL_ROOM = 90; // world units either side of a node its centred label may take when fitting

export class GraphApp {
  private state: ViewState;
  private graph: GraphModel | null = null;
  private revision = -1;
  private reportedRevision = -1;
  private live = new Map<string, LiveStat>();
  private requests = new Map<string, LiveRequest>();
  private cursorKey: string | null = null;
  private scene: Scene | null = null;
  private rows: number[][] = [];
  private keyIndex = new Map<string, number>();
  private memory: LayoutMemory | undefined;
  private palette: Palette;
  private transform: ZoomTransform = zoomIdentity;
  private transformRestored = false;
  private needsFit = false;
  private frame = 0;
  private animating = false;
  private lastAnimation = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private rebuildTimer: ReturnType<typeof setTimeout> | undefined;
  private layoutMs = 0;
  private drawMs = 0;
  private draws = 0;
  private size = { width: 0, height: 0, dpr: 1 };
  private vertical = false;

  private readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly zoomBehavior: ZoomBehavior<HTMLCanvasElement, unknown>;
  private readonly controls: Controls;
  private readonly list = new NodeList();
  private readonly details: Details;
  private readonly empty = el('div', { class: 'empty', text: 'Waiting for the codelet graph…' });

  constructor(mount: HTMLElement, private readonly host: Host) {
    this.state = restoreState(host.getState());
    if (this.state.layout) this.memory = this.state.layout;
    this.palette = readPalette();

    this.controls = new Controls({
      search: (q, jump) => this.setSearch(q, jump),
      file: (f) => this.update({ file: f, focus: null }, true),
      groupBy: (g) => this.update({ groupBy: g }, true),
      collapse: (c) => this.update({ collapse: c }, true),
      hops: (h) => this.update({ hops: h, focus: this.state.focus ? { key: this.state.focus.key, hops: h } : null }, !!this.state.focus),
      toggleFocus: () => this.toggleFocus(),
      toggleClass: (cls) => {
        const hidden = new Set(this.state.hiddenClasses);
        if (hidden.has(cls)) hidden.delete(cls);
        else hidden.add(cls);
        this.update({ hiddenClasses: [...hidden] }, true);
      },
      fit: () => this.fit(),
    });
    this.details = new Details({
      reveal: () => this.revealSelected(),
      focus: () => this.toggleFocus(),
      expand: () => this.expandSelected(),
    });

    this.canvas = el('canvas', { class: 'graph-canvas', attrs: { 'aria-hidden': 'true' } });
    const ctx = this.canvas.getContext('2d');
    if (!ctx) throw new Error('canvas 2D context unavailable');
    this.ctx = ctx;
    const stage = el('div', { class: 'stage' }, this.canvas, this.list.root, this.empty, this.details.root);
    this.root = el('div', { class: 'app', attrs: { 'data-node-count': '0', 'data-revision': '-1' } }, this.controls.root, stage);
    mount.replaceChildren(this.root);

    this.zoomBehavior = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.02, 4])
      // Known size: d3's default reads clientWidth, forcing a layout of the whole page on every zoom.
      .extent(() => [
        [0, 0],
        [this.size.width || 1, this.size.height || 1],
      ])
      .on('zoom', (event: D3ZoomEvent<HTMLCanvasElement, unknown>) => {
        this.transform = event.transform;
        this.requestDraw();
        this.saveSoon();
      });
    select(this.canvas).call(this.zoomBehavior).on('dblclick.zoom', null);
    this.canvas.addEventListener('click', (e) => this.onClick(e));
    this.canvas.addEventListener('mousemove', (e) => this.onHover(e));
    this.list.root.addEventListener('keydown', (e) => this.onKey(e));
    document.addEventListener('keydown', (e) => {
      if (e.key === '/' && document.activeElement === document.body) {
        e.preventDefault();
        this.controls.focusSearch();
      }
    });

    new ResizeObserver(() => this.resize()).observe(stage);
    watchTheme(() => {
      this.palette = readPalette();
      this.requestDraw();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.requestDraw();
    });

    this.showControls(null);
    host.listen((m) => this.onMessage(m));
    host.post({ type: 'ready' });
  }

  // ── messages ────────────────────────────────────────────────────────────────────────────────────

  private onMessage(m: ToWebview): void {
    switch (m.type) {
      case 'graph':
        this.graph = m.graph;
        this.revision = m.revision;
        this.rebuild(false);
        break;
      case 'cursor':
        this.cursorKey = m.node ? nodeKey(m.node.root, m.node.id) : null;
        if (this.scene) this.scene.cursor = this.viewIndexOf(this.cursorKey);
        this.root.dataset.cursor = this.cursorKey ?? '';
        this.requestDraw();
        break;
      case 'focus':
        this.focusNode(m.node);
        break;
      case 'fit':
        this.fit();
        break;
      case 'live':
        for (const s of m.stats) this.live.set(nodeKey(s.root, s.id), s);
        for (const r of m.requests) {
          if (r.done) this.requests.delete(r.requestId);
          else this.requests.set(r.requestId, r);
        }
        // Figures can stream in quickly: resize and re-lane at most a few times a second.
        if (m.stats.length) this.rebuildSoon();
        else this.refreshLive();
        break;
    }
  }

  // ── model → scene ───────────────────────────────────────────────────────────────────────────────

  private rebuild(fit: boolean): void {
    const graph = this.graph;
    if (!graph) return;
    const started = performance.now();
    const view = buildView(graph, this.live, {
      hiddenClasses: new Set(this.state.hiddenClasses),
      file: this.state.file,
      focus: this.state.focus,
      groupBy: this.state.groupBy,
      collapse: this.state.collapse,
      expanded: new Set(this.state.expanded),
    });
    this.vertical = this.wantsVertical();
    const layout = layeredLayout(
      { keys: view.nodes.map((n) => n.key), lanes: view.nodes.map((n) => n.lane), edges: view.edges.map((e) => [e.from, e.to] as const) },
      this.memory,
      this.vertical ? { ...VERTICAL_GAPS, vertical: true } : {},
    );
    this.memory = layout.memory;
    this.keyIndex = new Map(view.nodes.map((n, i) => [n.key, i]));
    this.rows = layerRows(layout);

    this.scene = {
      view,
      layout,
      radius: nodeRadii(view),
      match: null,
      selected: -1,
      cursor: -1,
      liveEdges: new Set(),
      liveNodes: new Set(),
      dashPhase: 0,
      index: spatialIndex(layout),
    };
    this.scene.selected = this.viewIndexOf(this.state.selected);
    this.scene.cursor = this.viewIndexOf(this.cursorKey);
    this.computeMatches();
    this.refreshLive(false);
    this.layoutMs = performance.now() - started;
    this.list.setNodes(view, layout);
    this.list.setActive(this.scene.selected);
    this.root.dataset.selected = this.scene.selected >= 0 ? view.nodes[this.scene.selected].key : '';
    this.controls.setFiles(this.files(graph));
    this.empty.hidden = view.nodes.length > 0;
    this.empty.textContent = graph.nodes.length === 0 ? 'No codelets in this workspace yet.' : 'No codelets match the filters.';
    this.root.dataset.nodeCount = String(view.nodes.length);
    this.root.dataset.edgeCount = String(view.edges.length);
    this.root.dataset.collapsed = String(view.collapsed);
    this.controls.showCollapsed(view.collapsed);
    this.root.dataset.orientation = layout.vertical ? 'vertical' : 'horizontal';
    this.root.dataset.layoutMs = this.layoutMs.toFixed(1);
    this.showControls(this.scene.match);
    this.details.show(this.scene.selected >= 0 ? view.nodes[this.scene.selected] : null, !!this.state.focus);
    if (fit || (!this.transformRestored && !this.state.transform)) this.fit();
    else if (!this.transformRestored && this.state.transform) {
      const t = this.state.transform;
      this.transformRestored = true;
      select(this.canvas).call(this.zoomBehavior.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
    }
    this.requestDraw();
    this.saveSoon();
  }

  private rebuildSoon(): void {
    if (this.rebuildTimer !== undefined) return;
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = undefined;
      this.rebuild(false);
    }, 200);
  }

  /** A graph node's key → the index drawing it: the codelet itself, or its collapsed file. */
  private viewIndexOf(key: string | null): number {
    if (key === null || !this.scene) return -1;
    const direct = this.keyIndex.get(key);
    if (direct !== undefined) return direct;
    if (!this.graph) return -1;
    const gi = this.graph.nodes.findIndex((c) => nodeKey(c.root, c.id) === key);
    return gi >= 0 ? this.scene.view.at[gi] : -1;
  }

  private files(graph: GraphModel): [string, string][] {
    const keys = [...new Set(graph.nodes.map((c) => fileKey(c.root, c.file)))].sort();
    return keys.map((k) => [k, fileLabel(graph, k)]);
  }

  private computeMatches(): void {
    const scene = this.scene;
    if (!scene || !this.graph) return;
    const q = this.state.search.trim();
    if (!q) {
      scene.match = null;
      this.root.dataset.matchCount = '';
      return;
    }
    const match = new Uint8Array(scene.view.nodes.length);
    scene.view.nodes.forEach((n, i) => {
      if (matches(n, q)) match[i] = 1;
    });
    // A collapsed file matches when one of its codelets does.
    const lower = q.toLowerCase();
    this.graph.nodes.forEach((c, gi) => {
      const vi = scene.view.at[gi];
      if (vi >= 0 && !scene.view.nodes[vi].codelet && (c.name.toLowerCase().includes(lower) || c.id.toLowerCase().includes(lower))) match[vi] = 1;
    });
    scene.match = match;
    this.root.dataset.matchCount = String(match.reduce((a, b) => a + b, 0));
  }

  private refreshLive(draw = true): void {
    const scene = this.scene;
    if (!scene || !this.graph) return;
    const edges = new Set<number>();
    const nodes = new Set<number>();
    const edgeIndex = new Map(scene.view.edges.map((e, i) => [`${e.from}>${e.to}`, i]));
    for (const r of this.requests.values()) {
      for (const id of r.running) {
        const v = this.viewIndexOf(nodeKey(r.root, id));
        if (v >= 0) nodes.add(v);
      }
      for (const e of r.edges) {
        const a = this.viewIndexOf(nodeKey(r.root, e.from));
        const b = this.viewIndexOf(nodeKey(r.root, e.to));
        const i = edgeIndex.get(`${a}>${b}`);
        if (i !== undefined) edges.add(i);
      }
    }
    scene.liveEdges = edges;
    scene.liveNodes = nodes;
    this.root.dataset.liveEdges = String(edges.size);
    this.root.dataset.liveNodes = String(nodes.size);
    if (edges.size && !this.animating) {
      this.animating = true;
      this.lastAnimation = performance.now();
    } else if (!edges.size) this.animating = false;
    if (draw) this.requestDraw();
  }

  // ── drawing ─────────────────────────────────────────────────────────────────────────────────────

  private resize(): void {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.size = { width: rect.width, height: rect.height, dpr };
    this.canvas.width = Math.max(1, Math.round(rect.width * dpr));
    this.canvas.height = Math.max(1, Math.round(rect.height * dpr));
    if (this.graph && this.wantsVertical() !== this.vertical) this.rebuild(true);
    else if (this.needsFit && rect.width > 0) this.fit();
    this.requestDraw();
  }

  /** Tall, narrow views (the side bar) read better with layers running top to bottom. */
  private wantsVertical(): boolean {
    return this.size.width > 0 && this.size.width < this.size.height * 0.8;
  }

  private requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame((now) => {
      this.frame = 0;
      this.draw(now);
    });
  }

  private draw(now: number): void {
    const scene = this.scene;
    if (!scene || this.size.width === 0) return;
    if (this.animating) {
      scene.dashPhase = (scene.dashPhase + (now - this.lastAnimation) * 0.04) % 1000;
      this.lastAnimation = now;
    }
    const started = performance.now();
    drawScene(this.ctx, scene, this.transform, this.palette, this.size.width, this.size.height, this.size.dpr);
    this.drawMs = performance.now() - started;
    // A user-timing entry per frame (for the benchmark); no DOM write, which would cost a style pass.
    performance.measure('codelets-graph-draw', { start: started });
    if (++this.draws % 1000 === 0) performance.clearMeasures('codelets-graph-draw');
    // Keep the live edges flowing; stops by itself when the requests end or the view is hidden.
    if (this.animating && document.visibilityState === 'visible') this.requestDraw();
    if (this.reportedRevision !== this.revision) {
      this.reportedRevision = this.revision;
      const revision = this.revision;
      const nodes = scene.view.nodes.length;
      const layoutMs = this.layoutMs;
      const drawMs = this.drawMs;
      // Report after the frame is on screen, not merely issued.
      requestAnimationFrame(() => {
        this.root.dataset.revision = String(revision);
        this.host.post({ type: 'rendered', revision, nodes, layoutMs, drawMs });
      });
    }
  }

  private fit(): void {
    const scene = this.scene;
    if (!scene) return;
    const { width, height } = this.size;
    if (width === 0 || height === 0) {
      this.needsFit = true;
      return;
    }
    this.needsFit = false;
    this.transformRestored = true;
    const { x, y } = scene.layout;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < x.length; i++) {
      minX = Math.min(minX, x[i]);
      maxX = Math.max(maxX, x[i]);
      minY = Math.min(minY, y[i]);
      maxY = Math.max(maxY, y[i]);
    }
    if (!Number.isFinite(minX)) {
      minX = maxX = minY = maxY = 0;
    }
    // Room for the labels: under the nodes (left to right) or beside them (top to bottom).
    if (scene.layout.vertical) {
      minX -= 24;
      maxX += scene.layout.rowGap - 20;
      minY -= 24;
      maxY += 30;
    } else {
      minX -= LABEL_ROOM;
      maxX += LABEL_ROOM;
      minY -= 24;
      maxY += 40;
    }
    const pad = 20;
    const k = Math.max(0.02, Math.min(1.5, width / (maxX - minX + 2 * pad), height / (maxY - minY + 2 * pad)));
    const cx = (minX + maxX) / 2;
    const cy = (minY + maxY) / 2;
    select(this.canvas).call(this.zoomBehavior.transform, zoomIdentity.translate(width / 2 - k * cx, height / 2 - k * cy).scale(k));
  }

  private centreOn(i: number, onlyIfHidden: boolean): void {
    const scene = this.scene;
    if (!scene || i < 0 || this.size.width === 0) return;
    const sx = this.transform.applyX(scene.layout.x[i]);
    const sy = this.transform.applyY(scene.layout.y[i]);
    if (onlyIfHidden && sx > 60 && sx < this.size.width - 60 && sy > 20 && sy < this.size.height - 40) return;
    select(this.canvas).call(this.zoomBehavior.translateTo, scene.layout.x[i], scene.layout.y[i] + 20);
  }

  // ── interaction ─────────────────────────────────────────────────────────────────────────────────

  private update(patch: Partial<ViewState>, fit: boolean): void {
    this.state = { ...this.state, ...patch };
    this.rebuild(fit);
  }

  private setSearch(query: string, jump: boolean): void {
    this.state.search = query;
    this.computeMatches();
    const scene = this.scene;
    if (jump && scene?.match) {
      // Enter: move to the next match in reading order.
      const order = this.rows.flat();
      const start = order.indexOf(scene.selected);
      const next = [...order.slice(start + 1), ...order.slice(0, start + 1)].find((i) => scene.match![i]);
      if (next !== undefined) {
        this.select(next);
        this.centreOn(next, true);
      }
    }
    this.showControls(scene?.match ?? null);
    this.requestDraw();
    this.saveSoon();
  }

  private showControls(match: Uint8Array | null): void {
    this.controls.show(
      {
        search: this.state.search,
        file: this.state.file,
        groupBy: this.state.groupBy,
        collapse: this.state.collapse,
        hops: this.state.hops,
        hiddenClasses: this.state.hiddenClasses,
        focused: !!this.state.focus,
      },
      match ? match.reduce((a, b) => a + b, 0) : null,
    );
  }

  private select(i: number): void {
    const scene = this.scene;
    if (!scene) return;
    scene.selected = i;
    const node = i >= 0 ? scene.view.nodes[i] : null;
    this.state.selected = node?.key ?? null;
    this.root.dataset.selected = node?.key ?? '';
    this.list.setActive(i);
    this.details.show(node, !!this.state.focus);
    this.requestDraw();
    this.saveSoon();
  }

  private pointToNode(e: MouseEvent): number {
    if (!this.scene) return -1;
    const rect = this.canvas.getBoundingClientRect();
    const [wx, wy] = this.transform.invert([e.clientX - rect.left, e.clientY - rect.top]);
    return hitTest(this.scene, wx, wy);
  }

  private onClick(e: MouseEvent): void {
    const i = this.pointToNode(e);
    this.select(i);
    if (i < 0) return;
    this.list.root.focus({ preventScroll: true });
    if (this.scene!.view.nodes[i].codelet) this.revealSelected();
    else this.expandSelected();
  }

  private onHover(e: MouseEvent): void {
    const i = this.pointToNode(e);
    this.canvas.classList.toggle('over-node', i >= 0);
    const node = i >= 0 ? this.scene!.view.nodes[i] : null;
    if (node) this.canvas.setAttribute('title', node.codelet ? node.codelet.id : `${node.label} (${node.members} codelets)`);
    else this.canvas.removeAttribute('title');
  }

  private revealSelected(): void {
    const node = this.scene && this.scene.selected >= 0 ? this.scene.view.nodes[this.scene.selected] : null;
    if (node?.codelet) this.host.post({ type: 'reveal', node: { root: node.codelet.root, id: node.codelet.id } });
  }

  private expandSelected(): void {
    const node = this.scene && this.scene.selected >= 0 ? this.scene.view.nodes[this.scene.selected] : null;
    if (!node || node.codelet) return;
    this.update({ expanded: [...new Set([...this.state.expanded, node.fileKey])], selected: null }, false);
  }

  private toggleFocus(): void {
    if (this.state.focus) return this.update({ focus: null }, true);
    const node = this.scene && this.scene.selected >= 0 ? this.scene.view.nodes[this.scene.selected] : null;
    if (node?.codelet) this.update({ focus: { key: node.key, hops: this.state.hops } }, true);
  }

  /** "Show in graph": make the codelet visible whatever the filters, select and centre it. */
  private focusNode(ref: NodeRef): void {
    const key = nodeKey(ref.root, ref.id);
    const c = this.graph?.nodes.find((n) => n.root === ref.root && n.id === ref.id);
    if (!c) return;
    const hidden = this.state.hiddenClasses.filter((h) => h !== c.class);
    const fk = fileKey(c.root, c.file);
    const file = this.state.file === null || this.state.file === fk ? this.state.file : null;
    const focus = this.state.focus && this.scene && this.keyIndex.has(key) ? this.state.focus : null;
    this.update({ hiddenClasses: hidden, file, focus, expanded: [...new Set([...this.state.expanded, fk])], selected: key }, false);
    const i = this.keyIndex.get(key) ?? -1;
    this.select(i);
    this.centreOn(i, false);
  }

  private onKey(e: KeyboardEvent): void {
    const scene = this.scene;
    if (!scene || scene.view.nodes.length === 0) return;
    if (isNavKey(e.key)) {
      e.preventDefault();
      const next = navigate(e.key, scene.selected, scene.layout, this.rows, scene.view.edges);
      if (next >= 0) {
        this.select(next);
        this.centreOn(next, true);
      }
      return;
    }
    switch (e.key) {
      case 'Enter':
      case ' ':
        e.preventDefault();
        if (scene.selected >= 0 && scene.view.nodes[scene.selected].codelet) this.revealSelected();
        else this.expandSelected();
        return;
      case 'f':
      case 'F':
        this.toggleFocus();
        return;
      case 'Escape':
        if (this.state.focus) this.update({ focus: null }, true);
        else this.select(-1);
        return;
      case '+':
      case '=':
        select(this.canvas).call(this.zoomBehavior.scaleBy, 1.25);
        return;
      case '-':
        select(this.canvas).call(this.zoomBehavior.scaleBy, 0.8);
        return;
      case '0':
        this.fit();
        return;
      case '/':
        e.preventDefault();
        this.controls.focusSearch();
        return;
    }
  }

  private saveSoon(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      const t = this.transform;
      this.state.transform = { k: t.k, x: t.x, y: t.y };
      this.state.layout = this.memory ?? null;
      this.host.setState(this.state);
    }, 150);
  }
}

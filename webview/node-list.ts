// A visually hidden listbox mirroring the nodes on the canvas: it takes keyboard focus (Tab reaches the
// graph here), tells screen readers which codelet is active, and lets tests count what is drawn.
import { el } from './dom';
import type { Layout } from './layout';
import type { ViewGraph } from './view-graph';

const EAGER = 300;

export class NodeList {
  readonly root: HTMLUListElement;
  private items: HTMLLIElement[] = [];
  private active = -1;
  private generation = 0;

  constructor() {
    this.root = el('ul', {
      class: 'node-list visually-hidden',
      attrs: { role: 'listbox', tabindex: '0', 'aria-label': 'Codelets in the graph. Arrow keys move, Enter opens the source, F focuses the neighbourhood.' },
    });
  }

  /**
   * Items carry their world position (data-x/y) so tests can aim at a node through the saved zoom
   * transform. Large lists are attached after the first frame: laying out 2,000 items would otherwise
   * delay the picture itself.
   */
  setNodes(view: ViewGraph, layout: Layout): void {
    const generation = ++this.generation;
    this.items = [];
    this.root.replaceChildren();
    this.root.removeAttribute('aria-activedescendant');
    this.root.dataset.count = '0';
    const fill = () => {
      if (generation !== this.generation) return;
      this.items = view.nodes.map((node, i) =>
        el('li', {
          text: node.codelet ? `${node.label} — ${node.cls}, ${node.codelet.file}` : `${node.label} — file, ${node.members} codelets`,
          attrs: { role: 'option', id: `node-${i}`, 'aria-selected': 'false', 'data-key': node.key, 'data-x': String(layout.x[i]), 'data-y': String(layout.y[i]) },
        }),
      );
      this.root.replaceChildren(...this.items);
      this.root.dataset.count = String(this.items.length);
      this.setActive(this.active);
    };
    if (view.nodes.length <= EAGER) fill();
    else requestAnimationFrame(() => setTimeout(fill, 0));
  }

  setActive(i: number): void {
    this.items[this.active]?.setAttribute('aria-selected', 'false');
    this.active = i;
    if (i >= 0 && this.items[i]) {
      this.items[i].setAttribute('aria-selected', 'true');
      this.root.setAttribute('aria-activedescendant', this.items[i].id);
    } else this.root.removeAttribute('aria-activedescendant');
  }
}

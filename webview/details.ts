// The panel describing the selected codelet (or collapsed file) in words, with its actions.
import { figures } from './canvas-renderer';
import { el } from './dom';
import type { ViewNode } from './view-graph';

export interface DetailsEvents {
  reveal(): void;
  focus(): void;
  expand(): void;
}

export class Details {
  readonly root: HTMLElement;
  private readonly title = el('div', { class: 'details-title' });
  private readonly lines = el('div', { class: 'details-lines' });
  private readonly actions = el('div', { class: 'details-actions' });

  constructor(private readonly events: DetailsEvents) {
    this.root = el('section', { class: 'details', attrs: { 'aria-label': 'Selected codelet', 'aria-live': 'polite' } }, this.title, this.lines, this.actions);
    this.root.hidden = true;
  }

  show(node: ViewNode | null, focused: boolean): void {
    this.root.hidden = node === null;
    if (!node) return;
    this.title.textContent = node.label;
    const rows: string[] = [];
    if (node.codelet) {
      rows.push(node.codelet.id, `${node.cls} · ${figures(node)}`);
      if (node.codelet.measured === undefined && node.live === undefined && node.codelet.estimatedMs !== null) rows.push('not measured yet');
    } else rows.push(`${node.members} codelets, mostly ${node.cls}`);
    this.lines.replaceChildren(...rows.map((text) => el('div', { text })));
    const buttons: HTMLButtonElement[] = [];
    if (node.codelet) {
      buttons.push(button('Open source', () => this.events.reveal()));
      buttons.push(button(focused ? 'Clear focus' : 'Focus neighbours', () => this.events.focus()));
    } else buttons.push(button('Expand file', () => this.events.expand()));
    this.actions.replaceChildren(...buttons);
  }
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', { text, attrs: { type: 'button' } });
  b.addEventListener('click', onClick);
  return b;
}

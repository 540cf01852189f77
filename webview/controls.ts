// The toolbar (search, file filter, lanes, collapsing, neighbourhood focus, fit) and the legend, whose
// class entries double as the class filter. Plain DOM; every label is set as text.
import { CLASS_LABELS, CODELET_CLASSES } from '../server/analysis/metadata';
import { el } from './dom';
import type { CollapseMode, GroupBy } from './view-graph';

export interface ControlValues {
  search: string;
  file: string | null;
  groupBy: GroupBy;
  collapse: CollapseMode;
  hops: number;
  hiddenClasses: string[];
  focused: boolean;
}

export interface ControlEvents {
  search(query: string, jump: boolean): void;
  file(fileKey: string | null): void;
  groupBy(value: GroupBy): void;
  collapse(value: CollapseMode): void;
  hops(value: number): void;
  toggleFocus(): void;
  toggleClass(cls: string): void;
  fit(): void;
}


export class Controls {
  readonly root: HTMLElement;
  private readonly searchInput: HTMLInputElement;
  private readonly matchCount: HTMLElement;
  private readonly fileSelect: HTMLSelectElement;
  private readonly groupSelect: HTMLSelectElement;
  private readonly collapseSelect: HTMLSelectElement;
  private readonly hopsInput: HTMLInputElement;
  private readonly focusButton: HTMLButtonElement;
  private readonly classButtons = new Map<string, HTMLButtonElement>();
  private files: string[] = [];
  /** Shown only while files are collapsed. */
  private readonly fileLegend = el('span', { class: 'legend-edge' }, el('span', { class: 'swatch swatch-file', attrs: { 'aria-hidden': 'true' } }), el('span', { text: 'file (collapsed)' }));

  constructor(events: ControlEvents) {
    this.searchInput = el('input', { class: 'search', attrs: { type: 'search', placeholder: 'Search codelets', 'aria-label': 'Search codelets by name' } });
    this.searchInput.addEventListener('input', () => events.search(this.searchInput.value, false));
    this.searchInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') events.search(this.searchInput.value, true);
    });
    this.matchCount = el('span', { class: 'match-count', attrs: { 'aria-live': 'polite' } });

    this.fileSelect = el('select', { attrs: { 'aria-label': 'Filter by file' } });
    this.fileSelect.addEventListener('change', () => events.file(this.fileSelect.value || null));

    this.groupSelect = select('Lanes', [['none', 'No lanes'], ['file', 'Lanes by file'], ['fleet', 'Lanes by fleet']]);
    this.groupSelect.addEventListener('change', () => events.groupBy(this.groupSelect.value as GroupBy));

    this.collapseSelect = select('Collapse files', [['auto', 'Collapse: auto'], ['on', 'Collapse files'], ['off', 'Show every codelet']]);
    this.collapseSelect.addEventListener('change', () => events.collapse(this.collapseSelect.value as CollapseMode));

    this.hopsInput = el('input', { class: 'hops', attrs: { type: 'number', min: '1', max: '9', 'aria-label': 'Neighbourhood size in hops' } });
    this.hopsInput.addEventListener('change', () => {
      const v = Math.min(9, Math.max(1, Math.round(Number(this.hopsInput.value) || 1)));
      events.hops(v);
    });
    this.focusButton = el('button', { class: 'focus', text: 'Focus', attrs: { type: 'button', title: 'Show only the selected codelet and its neighbours (F)' } });
    this.focusButton.addEventListener('click', () => events.toggleFocus());
    const fit = el('button', { text: 'Fit', attrs: { type: 'button', title: 'Fit the graph to the view (0)' } });
    fit.addEventListener('click', () => events.fit());

    const legend = el('div', { class: 'legend', attrs: { role: 'group', 'aria-label': 'Classes (toggle to filter)' } });
    for (const cls of CODELET_CLASSES) {
      const button = el(
        'button',
        { class: 'legend-class', attrs: { type: 'button', 'aria-pressed': 'true', 'data-class': cls, title: `Show or hide ${CLASS_LABELS[cls]} codelets` } },
        el('span', { class: `swatch swatch-${cls}`, attrs: { 'aria-hidden': 'true' } }),
        el('span', { text: CLASS_LABELS[cls] }),
      );
      button.addEventListener('click', () => events.toggleClass(cls));
      this.classButtons.set(cls, button);
      legend.append(button);
    }
    legend.append(
      el('span', { class: 'legend-edge' }, el('span', { class: 'edge-sample edge-call', attrs: { 'aria-hidden': 'true' } }), el('span', { text: 'call' })),
      el('span', { class: 'legend-edge' }, el('span', { class: 'edge-sample edge-data', attrs: { 'aria-hidden': 'true' } }), el('span', { text: 'data' })),
      this.fileLegend,
      el('span', { class: 'legend-note', text: 'size = time', attrs: { title: 'Node size: measured p50 when the agent has run it, else the static estimate' } }),
    );

    this.root = el(
      'div',
      { class: 'controls' },
      el('div', { class: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Graph tools' } },
        this.searchInput, this.matchCount, this.fileSelect, this.groupSelect, this.collapseSelect,
        el('span', { class: 'hops-group' }, this.focusButton, this.hopsInput, el('span', { text: 'hops', attrs: { 'aria-hidden': 'true' } })),
        fit),
      legend,
    );
  }

  /** Replaces the file list (fileKey, label) when the graph changes. */
  setFiles(files: [string, string][]): void {
    const keys = files.map((f) => f[0]);
    if (keys.join('\n') === this.files.join('\n')) return;
    this.files = keys;
    this.fileSelect.replaceChildren(el('option', { text: 'All files', attrs: { value: '' } }), ...files.map(([key, label]) => el('option', { text: label, attrs: { value: key } })));
  }

  showCollapsed(collapsed: boolean): void {
    this.fileLegend.hidden = !collapsed;
  }

  show(values: ControlValues, matches: number | null): void {
    if (this.searchInput.value !== values.search) this.searchInput.value = values.search;
    this.matchCount.textContent = matches === null ? '' : matches === 1 ? '1 match' : `${matches} matches`;
    this.fileSelect.value = values.file ?? '';
    this.groupSelect.value = values.groupBy;
    this.collapseSelect.value = values.collapse;
    this.hopsInput.value = String(values.hops);
    this.focusButton.textContent = values.focused ? 'Clear focus' : 'Focus';
    this.focusButton.setAttribute('aria-pressed', String(values.focused));
    for (const [cls, button] of this.classButtons) button.setAttribute('aria-pressed', String(!values.hiddenClasses.includes(cls)));
  }

  focusSearch(): void {
    this.searchInput.focus();
    this.searchInput.select();
  }
}

function select(label: string, options: [string, string][]): HTMLSelectElement {
  return el('select', { attrs: { 'aria-label': label } }, ...options.map(([value, text]) => el('option', { text, attrs: { value } })));
}

// The graph page in real headless Chromium, served with its real CSP and a fake acquireVsCodeApi:
// what a user sees and does (filters, search, click, keyboard, theme, live figures, reload) and that
// hostile names stay text.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GraphModel, ToWebview } from '../../webview/protocol';
import { exampleGraph, hostileGraph, syntheticGraph } from './graphs';
import { launchBrowser, openGraphPage, startPageServer, type Browser, type GraphPage, type OpenOptions, type PageServer } from './harness';

let server: PageServer;
let browser: Browser;

before(async () => {
  server = await startPageServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const graphMessage = (graph: GraphModel, revision = 1): ToWebview => ({ type: 'graph', revision, graph });

async function open(graph: GraphModel, options: OpenOptions = {}): Promise<GraphPage> {
  const p = await openGraphPage(browser, server, { ...options, onReady: [graphMessage(graph), ...(options.onReady ?? [])] });
  await p.rendered(1);
  return p;
}

async function nodeCount(p: GraphPage): Promise<number> {
  return Number(await p.attr('data-node-count'));
}

/** Waits until the page's node count is `n` (filters redraw on the next frame). */
async function expectNodes(p: GraphPage, n: number): Promise<void> {
  await p.page
    .waitForFunction(
      (want) => document.querySelector('.app')?.getAttribute('data-node-count') === String(want) && document.querySelectorAll('[role=option]').length === want,
      n,
      { timeout: 5000 },
    )
    .catch(() => {});
  assert.equal(await nodeCount(p), n);
  assert.equal(await p.page.locator('[role=option]').count(), n, 'the accessible list mirrors the drawn nodes');
}

/** Screen point of a node: its world position (list item data) through the saved zoom transform. */
async function nodePoint(p: GraphPage, name: string): Promise<{ x: number; y: number }> {
  await p.page.waitForFunction(() => (window as unknown as { __state?: { transform?: unknown } }).__state?.transform);
  return p.page.evaluate((label) => {
    const li = [...document.querySelectorAll('[role=option]')].find((e) => e.textContent?.startsWith(`${label} —`))!;
    const t = (window as unknown as { __state: { transform: { k: number; x: number; y: number } } }).__state.transform;
    const rect = document.querySelector('canvas')!.getBoundingClientRect();
    return { x: rect.left + t.x + t.k * Number(li.getAttribute('data-x')), y: rect.top + t.y + t.k * Number(li.getAttribute('data-y')) };
  }, name);
}

async function canvasPixel(p: GraphPage, x: number, y: number): Promise<number[]> {
  return p.page.evaluate(
    ([px, py]) => [...document.querySelector('canvas')!.getContext('2d')!.getImageData(px, py, 1, 1).data],
    [x, y],
  );
}

async function nextFrames(p: GraphPage): Promise<void> {
  await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

describe('graph page in Chromium', () => {
  it('renders the example graph under the CSP with nothing blocked', async () => {
    const g = exampleGraph();
    const p = await open(g);
    const rendered = await p.rendered(1);
    assert.equal(rendered.nodes, g.nodes.length);
    await expectNodes(p, g.nodes.length);
    assert.equal(Number(await p.attr('data-edge-count')), g.edges.length);
    assert.deepEqual(await p.violations(), [], 'no CSP violation');
    assert.deepEqual(p.consoleErrors, []);
    // Something other than the background is on the canvas where handleReport is.
    const at = await nodePoint(p, 'handleReport');
    const box = await p.page.locator('canvas').boundingBox();
    const px = await canvasPixel(p, Math.round(at.x - box!.x), Math.round(at.y - box!.y));
    const bg = await canvasPixel(p, 2, 2);
    assert.notDeepEqual(px, bg, 'a node is drawn at its position');
    await p.page.close();
  });

  it('filters by class from the legend and by file', async () => {
    const g = exampleGraph();
    const p = await open(g);
    const trivial = g.nodes.filter((c) => c.class === 'trivial').length;
    await p.page.click('button[data-class=trivial]');
    await expectNodes(p, g.nodes.length - trivial);
    assert.equal(await p.page.getAttribute('button[data-class=trivial]', 'aria-pressed'), 'false');
    await p.page.click('button[data-class=trivial]');
    await expectNodes(p, g.nodes.length);
    await p.page.selectOption('select[aria-label="Filter by file"]', '0|src/io/files.ts');
    await expectNodes(p, 3);
    const listed = await p.page.locator('[role=option]').allTextContents();
    assert.ok(listed.every((t) => t.includes('src/io/files.ts')));
    await p.page.close();
  });

  it('searches by name: matches counted and highlighted, Enter jumps to one', async () => {
    const p = await open(exampleGraph());
    await p.page.fill('input[type=search]', 'records');
    await p.page.waitForFunction(() => document.querySelector('.app')?.getAttribute('data-match-count') === '2');
    assert.equal(await p.page.textContent('.match-count'), '2 matches');
    await p.page.press('input[type=search]', 'Enter');
    const selected = await p.attr('data-selected');
    assert.ok(selected === '0|src/io/files.ts#readRecords' || selected === '0|src/compute/hash.ts#hashRecords', selected ?? '');
    assert.match((await p.page.textContent('.details-title')) ?? '', /Records$/);
    await p.page.close();
  });

  it('clicking a node posts a reveal message with its id', async () => {
    const p = await open(exampleGraph());
    const at = await nodePoint(p, 'buildIndex');
    await p.page.mouse.click(at.x, at.y);
    const reveal = (await p.posted()).filter((m) => m.type === 'reveal');
    assert.deepEqual(reveal, [{ type: 'reveal', node: { root: 0, id: 'src/index/build.ts#buildIndex' } }]);
    assert.equal(await p.attr('data-selected'), '0|src/index/build.ts#buildIndex');
    await p.page.close();
  });

  it('is keyboard navigable: Tab reaches the graph, arrows move, Enter reveals, F focuses', async () => {
    const g = exampleGraph();
    const p = await open(g);
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await p.page.keyboard.press('Tab');
      reached = await p.page.evaluate(() => document.activeElement?.getAttribute('role') === 'listbox');
    }
    assert.ok(reached, 'Tab reaches the graph');
    await p.page.keyboard.press('Home');
    assert.equal(await p.attr('data-selected'), '0|src/service.ts#handleReport');
    await p.page.keyboard.press('ArrowRight');
    const second = await p.attr('data-selected');
    assert.ok(second && second !== '0|src/service.ts#handleReport');
    const active = await p.page.getAttribute('[role=listbox]', 'aria-activedescendant');
    assert.equal(await p.page.getAttribute(`#${active}`, 'data-key'), second);
    await p.page.keyboard.press('Enter');
    const reveal = (await p.posted()).filter((m) => m.type === 'reveal');
    assert.deepEqual(reveal.at(-1), { type: 'reveal', node: { root: 0, id: second!.slice(2) } });
    await p.page.keyboard.press('f');
    assert.ok((await nodeCount(p)) < g.nodes.length, 'focus shows the neighbourhood only');
    await p.page.keyboard.press('Escape');
    await expectNodes(p, g.nodes.length);
    await p.page.close();
  });

  it('focuses on a codelet’s n-hop neighbourhood from the toolbar', async () => {
    const p = await open(exampleGraph());
    await p.page.fill('input[type=search]', 'tokenize');
    await p.page.press('input[type=search]', 'Enter');
    await p.page.click('button.focus');
    await expectNodes(p, 2);
    await p.page.fill('input.hops', '2');
    await p.page.press('input.hops', 'Enter');
    await p.page.locator('input.hops').blur();
    await expectNodes(p, 5);
    await p.page.click('button.focus');
    await expectNodes(p, 13);
    await p.page.close();
  });

  it('keeps the picture still when the graph changes a little (a new revision with one more codelet)', async () => {
    const g = exampleGraph();
    const p = await open(g);
    const positions = () =>
      p.page.locator('[role=option]').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-key'), `${e.getAttribute('data-x')},${e.getAttribute('data-y')}`])));
    const before = await positions();
    const next = exampleGraph();
    next.nodes.push({ root: 0, id: 'src/report.ts#formatTotals', name: 'formatTotals', file: 'src/report.ts', class: 'trivial', estimatedMs: 0.1 });
    next.edges.push({ from: next.nodes.findIndex((c) => c.name === 'Report.summary'), to: next.nodes.length - 1, kind: 'call' });
    await p.send(graphMessage(next, 2));
    assert.equal((await p.rendered(2)).nodes, g.nodes.length + 1);
    await expectNodes(p, g.nodes.length + 1);
    const after = await positions();
    for (const [key, at] of Object.entries(before)) assert.equal(after[key], at, `${key} stayed where it was`);
    await p.page.close();
  });

  it('runs the layers top to bottom in a tall, narrow view (the side bar), arrows following', async () => {
    const p = await open(exampleGraph());
    assert.equal(await p.attr('data-orientation'), 'horizontal');
    await p.page.setViewportSize({ width: 300, height: 800 });
    await p.page.waitForFunction(() => document.querySelector('.app')?.getAttribute('data-orientation') === 'vertical');
    const pos = (name: string) =>
      p.page.evaluate((label) => {
        const li = [...document.querySelectorAll('[role=option]')].find((e) => e.textContent?.startsWith(`${label} —`))!;
        return { x: Number(li.getAttribute('data-x')), y: Number(li.getAttribute('data-y')) };
      }, name);
    const entry = await pos('handleReport');
    const reader = await pos('readRecords');
    const sink = await pos('renderReport');
    assert.ok(entry.y < reader.y && reader.y < sink.y, 'callers above callees');
    await p.page.focus('[role=listbox]');
    await p.page.keyboard.press('Home');
    await p.page.keyboard.press('ArrowDown');
    const below = await p.attr('data-selected');
    assert.ok(below && below !== '0|src/service.ts#handleReport', 'ArrowDown goes to the next layer');
    await p.page.close();
  });

  it('uses the VS Code theme variables, and follows a theme change', async () => {
    const p = await open(exampleGraph(), { themeVars: { '--vscode-editor-background': '#fafafa', '--vscode-editor-foreground': '#111111' } });
    assert.equal(await p.page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(250, 250, 250)');
    assert.deepEqual(await canvasPixel(p, 2, 2), [250, 250, 250, 255]);
    await p.page.evaluate(() => {
      document.documentElement.style.setProperty('--vscode-editor-background', '#102030');
      document.body.classList.add('vscode-high-contrast');
    });
    await nextFrames(p);
    assert.deepEqual(await canvasPixel(p, 2, 2), [16, 32, 48, 255]);
    assert.equal(await p.page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(16, 32, 48)');
    await p.page.close();
  });

  it('renders a hostile codelet name as text', async () => {
    const p = await open(hostileGraph());
    const evil = '<img src=x onerror=alert(1)>';
    await p.page.fill('input[type=search]', 'onerror');
    await p.page.press('input[type=search]', 'Enter');
    await p.page.waitForTimeout(200);
    assert.equal(await p.page.textContent('.details-title'), evil);
    const listed = await p.page.locator('[role=option]').allTextContents();
    assert.ok(listed.some((t) => t.startsWith(`${evil} — `)));
    const files = await p.page.locator('select[aria-label="Filter by file"] option').allTextContents();
    assert.ok(files.includes('src/<b>evil</b>.ts'));
    assert.equal(await p.page.evaluate(() => document.querySelectorAll('img, b').length), 0, 'no element made from the name');
    // Hover it too (the canvas tooltip) and give any injected handler time to fire.
    const at = await nodePoint(p, evil);
    await p.page.mouse.move(at.x, at.y);
    assert.equal(await p.page.getAttribute('canvas', 'title'), `src/<b>evil</b>.ts#${evil}`);
    await p.page.waitForTimeout(300);
    assert.deepEqual(p.dialogs, []);
    assert.deepEqual(await p.violations(), []);
    await p.page.close();
  });

  it('renders a 2,000-codelet graph, collapsed by file by default and whole on request', async () => {
    const g = syntheticGraph(2000);
    const p = await open(g);
    assert.equal(await p.attr('data-collapsed'), 'true');
    await expectNodes(p, 100);
    // Expand one file from the keyboard.
    await p.page.focus('[role=listbox]');
    await p.page.keyboard.press('Home');
    await p.page.keyboard.press('Enter');
    await expectNodes(p, 99 + 20);
    await p.page.selectOption('select[aria-label="Collapse files"]', 'off');
    await expectNodes(p, 2000);
    assert.equal(await p.attr('data-collapsed'), 'false');
    assert.deepEqual(await p.violations(), []);
    assert.deepEqual(p.consoleErrors, []);
    await p.page.close();
  });

  it('shows live figures and lights the edges of a running request', async () => {
    const p = await open(exampleGraph());
    const live: ToWebview = {
      type: 'live',
      stats: [{ root: 0, id: 'src/io/files.ts#readRecords', runs: 51, p50Ms: 12.5, p95Ms: 30, fleet: 'io-2' }],
      requests: [
        {
          requestId: 'r1',
          root: 0,
          running: ['src/io/files.ts#readRecords'],
          edges: [{ from: 'src/io/files.ts#listDataFiles', to: 'src/io/files.ts#readRecords' }],
          done: false,
        },
      ],
    };
    const before = await p.page.locator('canvas').screenshot();
    await p.send(live);
    await p.page.waitForFunction(() => document.querySelector('.app')?.getAttribute('data-live-edges') === '1');
    assert.equal(await p.attr('data-live-nodes'), '1');
    await nextFrames(p);
    assert.notDeepEqual(await p.page.locator('canvas').screenshot(), before, 'the lit edge is drawn');
    await p.page.fill('input[type=search]', 'readRecords');
    await p.page.press('input[type=search]', 'Enter');
    assert.match((await p.page.textContent('.details-lines')) ?? '', /p50 13 ms · p95 30 ms · 51 runs · io-2/);
    await p.send({ type: 'live', stats: [], requests: [{ ...(live.requests[0] as object), done: true } as never] });
    await p.page.waitForFunction(() => document.querySelector('.app')?.getAttribute('data-live-edges') === '0');
    await p.page.close();
  });

  it('highlights the codelet at the editor cursor and focuses one on request', async () => {
    const p = await open(exampleGraph());
    await p.send({ type: 'cursor', node: { root: 0, id: 'src/report.ts#renderReport' } });
    await p.page.waitForFunction(() => document.querySelector('.app')?.getAttribute('data-cursor') === '0|src/report.ts#renderReport');
    await p.page.click('button[data-class=memory-bound]');
    await expectNodes(p, 11);
    await p.send({ type: 'focus', node: { root: 0, id: 'src/index/build.ts#buildIndex' } });
    await p.page.waitForFunction(() => document.querySelector('.app')?.getAttribute('data-selected') === '0|src/index/build.ts#buildIndex');
    assert.equal(await p.page.getAttribute('button[data-class=memory-bound]', 'aria-pressed'), 'true', 'its class is shown again');
    await expectNodes(p, 13);
    await p.page.close();
  });

  it('says so when there are no codelets, or none pass the filters', async () => {
    const p = await open({ roots: ['empty'], nodes: [], edges: [] });
    assert.equal((await p.rendered(1)).nodes, 0);
    assert.equal(await p.page.textContent('.empty'), 'No codelets in this workspace yet.');
    await p.send(graphMessage(exampleGraph(), 2));
    await p.rendered(2);
    assert.equal(await p.page.isVisible('.empty'), false);
    await p.page.selectOption('select[aria-label="Filter by file"]', '0|src/io/files.ts');
    await p.page.click('button[data-class=io-bound]');
    await p.page.click('button[data-class=trivial]');
    await expectNodes(p, 0);
    assert.equal(await p.page.textContent('.empty'), 'No codelets match the filters.');
    await p.page.keyboard.press('Tab');
    assert.deepEqual(p.consoleErrors, []);
    await p.page.close();
  });

  it('ignores a malformed message and says so', async () => {
    const p = await open(exampleGraph());
    await p.page.evaluate(() => window.postMessage({ type: 'graph', revision: 2, graph: { roots: [], nodes: [], edges: [{ from: 0, to: 5, kind: 'call' }] } }, '*'));
    await p.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'error'));
    const error = (await p.posted()).find((m) => m.type === 'error');
    assert.match(error && 'message' in error ? error.message : '', /edges\.0/);
    await expectNodes(p, 13);
    await p.page.close();
  });

  it('restores filters, zoom, selection and layout from getState after a reload', async () => {
    const g = exampleGraph();
    const first = await open(g);
    await first.page.click('button[data-class=trivial]');
    await first.page.selectOption('select[aria-label=Lanes]', 'file');
    await first.page.fill('input[type=search]', 'hash');
    await first.page.press('input[type=search]', 'Enter');
    const box = (await first.page.locator('canvas').boundingBox())!;
    await first.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await first.page.mouse.wheel(0, -300);
    await first.page.waitForTimeout(400); // the state is saved 150 ms after the last change
    const saved = (await first.state()) as { transform: { k: number }; hiddenClasses: string[]; groupBy: string; search: string; selected: string };
    assert.deepEqual(saved.hiddenClasses, ['trivial']);
    assert.equal(saved.groupBy, 'file');
    assert.equal(saved.search, 'hash');
    assert.equal(saved.selected, '0|src/compute/hash.ts#hashRecords');
    const listed = await first.page.locator('[role=option]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-key'), e.getAttribute('data-x'), e.getAttribute('data-y')]));
    await first.page.close();

    const second = await open(g, { state: saved });
    assert.equal(await second.page.inputValue('input[type=search]'), 'hash');
    assert.equal(await second.page.inputValue('select[aria-label=Lanes]'), 'file');
    assert.equal(await second.page.getAttribute('button[data-class=trivial]', 'aria-pressed'), 'false');
    assert.equal(await second.attr('data-selected'), '0|src/compute/hash.ts#hashRecords');
    assert.equal(await second.page.textContent('.details-title'), 'hashRecords');
    const relisted = await second.page.locator('[role=option]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-key'), e.getAttribute('data-x'), e.getAttribute('data-y')]));
    assert.deepEqual(relisted, listed, 'the same picture');
    await second.page.waitForTimeout(300);
    const resaved = (await second.state()) as { transform: { k: number; x: number; y: number } };
    assert.deepEqual(resaved.transform, saved.transform, 'the same zoom and pan');
    await second.page.close();
  });
});

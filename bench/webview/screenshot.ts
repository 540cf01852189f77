// Saves docs/screenshots/graph-chromium.png: the example-shaped graph in headless Chromium with VS Code's
// Dark Modern colours, lanes by file, a codelet selected and a request in flight.
//   npx tsx bench/webview/screenshot.ts [out.png] [--light]
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { exampleGraph } from '../../test/webview/graphs';
import { launchBrowser, openGraphPage, startPageServer } from '../../test/webview/harness';

const DARK = {
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-editorCursor-foreground': '#aeafad',
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
};
const LIGHT = {
  '--vscode-editor-background': '#ffffff',
  '--vscode-editor-foreground': '#3b3b3b',
  '--vscode-descriptionForeground': '#717171',
  '--vscode-editorLineNumber-foreground': '#6e7681',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-purple': '#652d90',
  '--vscode-charts-green': '#388a34',
  '--vscode-charts-yellow': '#bf8803',
  '--vscode-charts-orange': '#d18616',
  '--vscode-focusBorder': '#005fb8',
  '--vscode-editorCursor-foreground': '#000000',
  '--vscode-input-background': '#ffffff',
  '--vscode-input-foreground': '#3b3b3b',
  '--vscode-input-border': '#cecece',
  '--vscode-dropdown-background': '#ffffff',
  '--vscode-dropdown-foreground': '#3b3b3b',
  '--vscode-button-secondaryBackground': '#e5e5e5',
  '--vscode-button-secondaryForeground': '#3b3b3b',
  '--vscode-editorWidget-background': '#f8f8f8',
  '--vscode-editorWidget-foreground': '#3b3b3b',
  '--vscode-disabledForeground': '#8b8b8b',
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
};

async function main() {
  const light = process.argv.includes('--light');
  const out = path.resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'docs/screenshots/graph-chromium.png');
  const server = await startPageServer();
  const browser = await launchBrowser();
  try {
    const p = await openGraphPage(browser, server, {
      state: { groupBy: 'file' },
      themeVars: light ? LIGHT : DARK,
      bodyClass: light ? 'vscode-light' : 'vscode-dark',
      onReady: [
        { type: 'graph', revision: 1, graph: exampleGraph() },
        { type: 'cursor', node: { root: 0, id: 'src/report.ts#renderReport' } },
        {
          type: 'live',
          stats: [],
          requests: [{ requestId: 'r1', root: 0, running: ['src/compute/hash.ts#hashRecords'], edges: [{ from: 'src/io/files.ts#readRecords', to: 'src/compute/hash.ts#hashRecords' }], done: false }],
        },
      ],
    });
    await p.rendered(1);
    await p.page.fill('input[type=search]', 'readRecords');
    await p.page.press('input[type=search]', 'Enter');
    await p.page.fill('input[type=search]', '');
    await p.page.locator('input[type=search]').dispatchEvent('input');
    await p.page.waitForTimeout(300);
    await mkdir(path.dirname(out), { recursive: true });
    await p.page.screenshot({ path: out });
    process.stdout.write(`saved ${out}\n`);
  } finally {
    await browser.close();
    await server.close();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});

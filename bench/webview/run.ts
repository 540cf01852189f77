// npm run bench:webview — the graph page in headless Chromium (the same page, CSP and fake VS Code host as
// the tests): time to first frame and frame times while zooming, for 200 and 2,000 codelets, plus the
// layout alone in Node. Goal at 2,000: first frame ≤ 500 ms, zoom frames ≤ 33 ms (p95).
//   npx tsx bench/webview/run.ts [--runs N]
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { layeredLayout } from '../../webview/layout';
import type { GraphModel } from '../../webview/protocol';
import { exampleGraph, syntheticGraph } from '../../test/webview/graphs';
import { launchBrowser, openGraphPage, startPageServer, type Browser, type PageServer } from '../../test/webview/harness';
import { chromiumCpuMs } from './chromium-cpu';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const ZOOM_FRAMES = 120;

interface Sample {
  firstFrameMs: number;
  layoutMs: number;
  drawMs: number;
  frameIntervals: number[];
  zoomDraws: number[];
  /** Chromium CPU time (all its processes) per zoom frame. */
  cpuPerFrameMs: number;
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
}
const median = (v: number[]) => percentile(v, 50);

// Runs in the page (a string: tsx would wrap a function's helpers in `__name`, which the page lacks).
// Wheels the canvas once per frame, zooming in then out, and records frame intervals and draw times.
const ZOOM_SCRIPT = (frames: number) => `new Promise((resolve) => {
  const canvas = document.querySelector('canvas');
  const rect = canvas.getBoundingClientRect();
  const draws = [];
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) draws.push(e.duration); });
  observer.observe({ entryTypes: ['measure'] });
  const stamps = [];
  let i = 0;
  const tick = (now) => {
    stamps.push(now);
    if (i >= ${frames}) {
      observer.disconnect();
      const intervals = stamps.slice(2).map((t, k) => t - stamps[k + 1]);
      resolve({ intervals, draws });
      return;
    }
    const deltaY = i < ${frames} / 2 ? -60 : 60;
    canvas.dispatchEvent(new WheelEvent('wheel', { deltaY, clientX: rect.left + rect.width / 2, clientY: rect.top + rect.height / 2, bubbles: true, cancelable: true }));
    i++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})`;

async function measure(browser: Browser, server: PageServer, graph: GraphModel, collapse: 'off' | 'auto'): Promise<Sample> {
  const p = await openGraphPage(browser, server, { state: { collapse }, onReady: [{ type: 'graph', revision: 1, graph }] });
  const rendered = await p.rendered(1);
  const firstFrameMs = await p.page.evaluate(() => {
    const w = window as unknown as { __posted: { type: string }[]; __postedAt: number[] };
    return w.__postedAt[w.__posted.findIndex((m) => m.type === 'rendered')];
  });
  const cpuBefore = chromiumCpuMs(browser.userDataDir);
  const zoom = (await p.page.evaluate(ZOOM_SCRIPT(ZOOM_FRAMES))) as { intervals: number[]; draws: number[] };
  const cpuPerFrameMs = (chromiumCpuMs(browser.userDataDir) - cpuBefore) / ZOOM_FRAMES;
  await p.page.close();
  return { firstFrameMs, layoutMs: rendered.layoutMs, drawMs: rendered.drawMs, frameIntervals: zoom.intervals, zoomDraws: zoom.draws, cpuPerFrameMs };
}

async function main() {
  const server = await startPageServer();
  const browser = await launchBrowser();
  const cases: [string, GraphModel, 'off' | 'auto'][] = [
    ['200 codelets', syntheticGraph(200), 'off'],
    ['2,000 codelets, every one drawn', syntheticGraph(2000), 'off'],
    ['2,000 codelets, collapsed by file (default)', syntheticGraph(2000), 'auto'],
  ];
  const rows: string[] = [];
  try {
    await measure(browser, server, exampleGraph(), 'auto'); // warm-up: Chromium's first page is slower
    for (const [name, graph, collapse] of cases) {
      const samples: Sample[] = [];
      for (let r = 0; r < runs; r++) samples.push(await measure(browser, server, graph, collapse));
      const intervals = samples.flatMap((s) => s.frameIntervals);
      const draws = samples.flatMap((s) => s.zoomDraws);
      rows.push(
        `| ${name} | ${median(samples.map((s) => s.firstFrameMs)).toFixed(0)} | ${median(samples.map((s) => s.layoutMs)).toFixed(1)} | ${median(samples.map((s) => s.drawMs)).toFixed(1)} | ${percentile(intervals, 50).toFixed(1)} | ${percentile(intervals, 95).toFixed(1)} | ${percentile(draws, 95).toFixed(1)} | ${median(samples.map((s) => s.cpuPerFrameMs)).toFixed(1)} |`,
      );
      process.stderr.write(`${name}: done\n`);
    }
  } finally {
    await browser.close();
    await server.close();
  }

  // The layout alone, in Node (the same module the page runs).
  const layoutRows: string[] = [];
  for (const n of [200, 2000]) {
    const g = syntheticGraph(n);
    const input = { keys: g.nodes.map((c) => c.id), lanes: g.nodes.map(() => ''), edges: g.edges.map((e) => [e.from, e.to] as const) };
    const times: number[] = [];
    let memory;
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      memory = layeredLayout(input).memory;
      times.push(performance.now() - t);
    }
    const again: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      layeredLayout(input, memory);
      again.push(performance.now() - t);
    }
    layoutRows.push(`| ${n} | ${g.edges.length} | ${median(times.slice(2)).toFixed(1)} | ${median(again.slice(2)).toFixed(1)} |`);
  }

  console.log(`Graph page, headless Chromium (${runs} runs per case, ${ZOOM_FRAMES} wheel steps each; median / pooled percentiles)\n`);
  console.log(`Load average while measuring: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores\n`);
  console.log('| graph | first frame ms (navigation → rendered) | layout ms | first draw ms | zoom frame p50 ms | zoom frame p95 ms | zoom draw p95 ms | Chromium CPU ms per zoom frame |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log('\nLayout alone in Node (median of 5 after 2 warm-ups)\n');
  console.log('| codelets | edges | fresh layout ms | stable re-layout ms (with memory) |');
  console.log('|---|---|---|---|');
  for (const r of layoutRows) console.log(r);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});

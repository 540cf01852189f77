// Opens the code-server workbench in headless Chromium, with our extension under development and the
// bundled mocha runner passed in the URL's payload (the `vscode-remote://host:port/abs/path` form).
import { chromium, type Browser, type Page } from 'playwright-core';

export interface Workbench {
  page: Page;
  /** Console errors and page errors, for error messages. */
  log(): string;
  close(): Promise<void>;
}

export const CHROMIUM = process.env.CODELETS_CHROMIUM ?? '/usr/bin/chromium';

export async function openWorkbench(options: {
  port: number;
  workspace: string;
  extensionDevelopmentPath: string;
  extensionTestsPath: string;
}): Promise<Workbench> {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${options.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)],
    ['extensionTestsPath', remote(options.extensionTestsPath)],
  ];
  const url =
    `http://127.0.0.1:${options.port}/?folder=${encodeURIComponent(options.workspace)}` +
    `&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const lines: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') lines.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => lines.push(`pageerror: ${error.message}`));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    const opened = browser;
    return {
      page,
      log: () => lines.slice(-40).join('\n'),
      close: async () => {
        await opened.close().catch(() => {});
      },
    };
  } catch (error) {
    await browser?.close().catch(() => {});
    throw error;
  }
}

// One e2e test file's playground: the site built and served, a browser, and fresh visitors. Registers its
// own beforeAll/afterAll, so a file calls it once inside its describe block.
import { afterAll, beforeAll } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { buildSite, launch, serve } from './site';

export interface PlaygroundSession {
  /// The served site's address (ends with a slash).
  readonly url: string;
  /// Page errors, console errors and CSP violations seen so far; a file's last test expects none.
  readonly problems: string[];
  /// A fresh visitor (no saved work) at `url + suffix`; `init` runs in each of its pages before the site's
  /// scripts (page.addInitScript).
  open(suffix?: string, context?: BrowserContextOptions, init?: () => void): Promise<Page>;
}

export function playgroundSession(): PlaygroundSession {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof buildSite>>;
  let server: Awaited<ReturnType<typeof serve>>;
  const problems: string[] = [];

  beforeAll(async () => {
    site = await buildSite();
    server = await serve(site.dir);
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await site?.cleanup();
  });

  return {
    get url() {
      return server.url;
    },
    problems,
    async open(suffix = '', context = {}, init) {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 }, ...context })).newPage();
      if (init) await page.addInitScript(init);
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      await page.goto(server.url + suffix);
      return page;
    },
  };
}

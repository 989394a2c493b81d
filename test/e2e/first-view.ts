// `npx tsx test/e2e/first-view.ts`: what the playground's first view downloads, gzipped. Builds the site,
// opens it in Chromium until the example's first packet is shown, and gzips every file the page fetched
// from the site (as a server would send them); the nftables view, loaded when its tab opens, is listed
// apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSite, launch, serve } from './site';

const site = await buildSite();
const server = await serve(site.dir);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const fetched: string[] = [];
  const base = new URL(server.url);
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.origin === base.origin && url.pathname.startsWith(base.pathname)) fetched.push(url.pathname.slice(base.pathname.length) || 'index.html');
  });
  const size = (files: string[]) => files.reduce((n, f) => n + gzipSync(readFileSync(join(site.dir, f))).length, 0);
  await page.goto(server.url);
  await page.locator('.packets li .fate.delivered').first().waitFor();
  await page.waitForTimeout(2000);
  const first = [...new Set(fetched)];
  console.log(`first view: ${(size(first) / 1024).toFixed(0)} KB gzipped in ${first.length} files`);
  for (const f of first.sort()) console.log(`  ${f} ${(gzipSync(readFileSync(join(site.dir, f))).length / 1024).toFixed(1)} KB`);
  await page.getByRole('tab', { name: 'nftables' }).click();
  await page.locator('.nft [data-out]').first().waitFor();
  await page.waitForTimeout(1000);
  const later = [...new Set(fetched)].filter((f) => !first.includes(f));
  console.log(`nftables tab, loaded when opened: ${(size(later) / 1024).toFixed(0)} KB gzipped in ${later.length} files`);
} finally {
  await browser.close();
  await server.close();
  await site.cleanup();
}

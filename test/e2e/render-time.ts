// `npx tsx test/e2e/render-time.ts [packets] [rules] [runs]`: how long the long lists take to render and
// scroll in Chromium: a scenario of 2,000 packets (packet list, verdict table) and the nftables tab on a
// 50k-rule kube-proxy dump (both panes). Render: from the action to the rows painted (two frames after
// they are in the DOM). Scroll: the pane is scrolled from top to bottom in 40 steps, one per frame; the
// longest frame and the longest main-thread task (wall, and CPU from a trace) while it does. Medians of
// the runs.
import type { Page } from 'playwright-core';
import { kubeProxyDump } from '../../bench/kubeproxy';
import { buildSite, launch, serve } from './site';

const packetCount = Number(process.argv[2] ?? 2000);
const rules = Number(process.argv[3] ?? 50_000);
const runs = Number(process.argv[4] ?? 3);
const site = await buildSite();
const server = await serve(site.dir);
const browser = await launch();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function painted(page: Page) {
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
}

/// Scrolls `selector` to its end in 40 frames; the longest frame (ms).
async function scroll(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluate(async (el) => {
    let worst = 0;
    let last = performance.now();
    for (let i = 1; i <= 40; i++) {
      el.scrollTop = (el.scrollHeight * i) / 40;
      await new Promise((ok) => requestAnimationFrame(ok));
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }
    return Math.round(worst);
  });
}

function cpuOf(buf: Buffer): number {
  type Ev = { name: string; ph: string; pid: number; tid: number; tdur?: number; args?: { name?: string } };
  const { traceEvents } = JSON.parse(buf.toString()) as { traceEvents: Ev[] };
  const mains = new Set(traceEvents.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}/${e.tid}`));
  let cpu = 0;
  for (const e of traceEvents) if ((e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && mains.has(`${e.pid}/${e.tid}`)) cpu = Math.max(cpu, e.tdur ?? 0);
  return Math.round(cpu / 1000);
}

async function measurePackets() {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.locator('.packets li .fate').first().waitFor();
  const packets = Array.from({ length: packetCount }, (_, i) => ({ from: 'eth0', src: '198.51.100.7', dst: '203.0.113.10', proto: 'tcp', sport: 10000 + i, dport: i % 2 ? 23 : 22, flags: ['SYN'] }));
  const scenario = { host: { interfaces: [{ name: 'eth0', addresses: ['203.0.113.10/24'] }] }, rules: '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n', packets };
  await browser.startTracing(page, { categories: ['toplevel'] });
  const t0 = Date.now();
  await page.locator('input[type=file]').setInputFiles({ name: 'many.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) });
  await page.locator(`.packets li[aria-setsize="${packetCount}"] .fate`).first().waitFor();
  await painted(page);
  const list = Date.now() - t0;
  const listScroll = await scroll(page, '.packets .scroller');
  const t1 = Date.now();
  await page.locator('#tab-verdicts').click();
  await page.locator('.verdicts tbody tr[data-row]').first().waitFor();
  await painted(page);
  const table = Date.now() - t1;
  const tableScroll = await scroll(page, '.scroller:has(.verdicts)');
  const cpu = cpuOf(await browser.stopTracing());
  await page.close();
  return { list, listScroll, table, tableScroll, cpu };
}

async function measureNft(dump: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(server.url);
  await page.locator('.packets li .fate').first().waitFor();
  await page.evaluate((text) => ((window as unknown as { file: File }).file = new File([text], 'kube.rules')), dump);
  await page.locator('.cm-content').evaluate((el) => {
    const data = new DataTransfer();
    data.items.add((window as unknown as { file: File }).file);
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await page.locator('#tab-listing').click();
  await page.locator('pre', { hasText: 'KUBE-SERVICES' }).first().waitFor({ timeout: 120_000 });
  await page.waitForTimeout(2000);
  await browser.startTracing(page, { categories: ['toplevel'] });
  const t0 = Date.now();
  await page.locator('#tab-nft').click();
  await page.locator('.nft [data-out].mapped').first().waitFor({ timeout: 120_000 });
  await painted(page);
  const open = Date.now() - t0;
  const lines = await page.locator('.nft .pane').first().evaluate((el) => el.querySelectorAll('.line').length);
  const total = await page.locator('.nft [data-src]').last().getAttribute('data-src');
  const srcScroll = await scroll(page, '.nft .pane >> nth=0');
  const last = await page.locator('.nft [data-src]').last().getAttribute('data-src');
  const outScroll = await scroll(page, '.nft .pane >> nth=1');
  const cpu = cpuOf(await browser.stopTracing());
  await page.close();
  return { open, rendered: lines, firstLast: total, lastLine: last, srcScroll, outScroll, cpu };
}

try {
  const p: Awaited<ReturnType<typeof measurePackets>>[] = [];
  for (let i = 0; i < runs; i++) {
    p.push(await measurePackets());
    console.log(`${packetCount} packets:`, JSON.stringify(p[p.length - 1]));
  }
  console.log(`${packetCount} packets, medians: list rendered in ${median(p.map((x) => x.list))} ms (longest scroll frame ${median(p.map((x) => x.listScroll))} ms); verdict table in ${median(p.map((x) => x.table))} ms (longest scroll frame ${median(p.map((x) => x.tableScroll))} ms); most CPU in one task ${median(p.map((x) => x.cpu))} ms`);
  const dump = kubeProxyDump(rules).text;
  const n: Awaited<ReturnType<typeof measureNft>>[] = [];
  for (let i = 0; i < runs; i++) {
    n.push(await measureNft(dump));
    console.log(`nft ${rules} rules:`, JSON.stringify(n[n.length - 1]));
  }
  console.log(`nftables tab on ${rules} rules, medians: shown in ${median(n.map((x) => x.open))} ms, longest scroll frame ${median(n.map((x) => x.srcScroll))} ms (source pane) / ${median(n.map((x) => x.outScroll))} ms (nft pane); most CPU in one task ${median(n.map((x) => x.cpu))} ms`);
} finally {
  await browser.close();
  await server.close();
  await site.cleanup();
}
